// Catalogues of the flow, dashboard and inbox features, one i18next namespace each.
import enDashboards from './en/dashboards.json';
import enFlows from './en/flows.json';
import enInbox from './en/inbox.json';
import zhDashboards from './zh-CN/dashboards.json';
import zhFlows from './zh-CN/flows.json';
import zhInbox from './zh-CN/inbox.json';

export const featureNamespaces = {
  en: { flows: enFlows, dashboards: enDashboards, inbox: enInbox },
  'zh-CN': { flows: zhFlows, dashboards: zhDashboards, inbox: zhInbox },
};
