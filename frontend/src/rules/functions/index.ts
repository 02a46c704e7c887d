// All functions of the rule language, registered by category.
import './logic';
import './math';
import './text';
import './date';
import './platform';

export { FUNCTIONS, type FnSpec, type ResultType } from './registry';
