// The module pages of the platform. Adding a module page = one folder under pages/ and one entry
// here: the side navigation, the routes and the page titles all follow from this list.
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import { ApiOutlined, BarChartOutlined, ContainerOutlined, DashboardOutlined, FieldTimeOutlined, SafetyOutlined, ScheduleOutlined } from '@ant-design/icons';

export interface PageDescriptor {
  key: string;
  /** Route of the page; sub-paths belong to it too. */
  path: string;
  /** i18n key of the navigation label (and the page title). */
  titleKey: string;
  icon: ReactNode;
  /** Loaded on first visit, so each module is its own chunk. */
  component: LazyExoticComponent<ComponentType>;
  /** Only parties with one of these roles see the page; every party when absent. */
  roles?: string[];
}

export interface LinkDescriptor {
  key: string;
  href: string;
  titleKey: string;
  icon: ReactNode;
}

/** Who sees port calls (src/modules/portcall/access.ts): their carrier and terminal, the port authority, the MSA. */
const PORT_CALL_READERS = ['carrier', 'terminal', 'port_authority', 'msa'];

export const PAGES: PageDescriptor[] = [
  {
    key: 'tracking',
    path: '/tracking',
    titleKey: 'nav.tracking',
    icon: <ContainerOutlined />,
    component: lazy(() => import('./tracking/TrackingPage')),
  },
  {
    key: 'port-calls',
    path: '/port-calls',
    titleKey: 'nav.portCalls',
    icon: <FieldTimeOutlined />,
    component: lazy(() => import('./portcalls/PortCallsPage')),
    roles: PORT_CALL_READERS,
  },
  {
    key: 'berth-plan',
    path: '/berth-plan',
    titleKey: 'nav.berthPlan',
    icon: <ScheduleOutlined />,
    component: lazy(() => import('./berthplan/BerthPlanPage')),
    roles: PORT_CALL_READERS,
  },
  {
    key: 'efficiency',
    path: '/efficiency',
    titleKey: 'nav.efficiency',
    icon: <BarChartOutlined />,
    component: lazy(() => import('./efficiency/EfficiencyPage')),
    roles: [...PORT_CALL_READERS, 'shipping_center'],
  },
  {
    // Public too (App.tsx shows it without a session); an admin posts notices on it.
    key: 'status',
    path: '/status',
    titleKey: 'nav.status',
    icon: <DashboardOutlined />,
    component: lazy(() => import('./status/StatusPage')),
  },
  {
    key: 'security',
    path: '/security',
    titleKey: 'nav.security',
    icon: <SafetyOutlined />,
    component: lazy(() => import('./security/SecurityPage')),
  },
];

/** Other places of the platform, opened in a new tab. */
export const LINKS: LinkDescriptor[] = [
  { key: 'api-docs', href: '/docs', titleKey: 'nav.apiDocs', icon: <ApiOutlined /> },
];

/** Where a user lands after logging in. */
export const DEFAULT_PATH = '/tracking';

export const pagesFor = (roles: string[]) => PAGES.filter((p) => !p.roles || p.roles.some((r) => roles.includes(r)));

export const pageAt = (pages: PageDescriptor[], path: string) =>
  pages.find((p) => path === p.path || path.startsWith(`${p.path}/`));
