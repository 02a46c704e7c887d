// All functions of the rule language, registered by category.
import './logic';
import './math';
import './text';
import './date';
import './platform';

export { CATALOG, FUNCTIONS, type CatalogEntry, type FnSpec, type Kind, type ResultType } from './registry';

