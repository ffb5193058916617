/** Every page of the console, the permission that opens it, and where it sits in the menu. */
import type { RouteRecordRaw } from 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page's title (and its menu entry). */
    title?: string
    /** Any one of these opens the page; none: every logged-in employee. */
    permission?: string | string[]
    /** The menu group it is listed under; absent: not in the menu (detail pages). */
    group?: MenuGroup
    public?: boolean
  }
}

export type MenuGroup = 'main' | 'org' | 'customer' | 'collateral'

export const MENU_GROUPS: { key: MenuGroup; title: string }[] = [
  { key: 'main', title: '' },
  { key: 'org', title: 'menu.org' },
  { key: 'customer', title: 'menu.customer' },
  { key: 'collateral', title: 'menu.collateral' },
]

export const pageRoutes: RouteRecordRaw[] = [
  { path: '', name: 'home', component: () => import('@/views/HomePage.vue'), meta: { title: 'menu.home', group: 'main' } },
  { path: 'inbox', name: 'inbox', component: () => import('@/views/inbox/InboxPage.vue'),
    meta: { title: 'menu.inbox', group: 'main' } },
  { path: 'account/password', name: 'password', component: () => import('@/views/PasswordPage.vue'),
    meta: { title: 'account.passwordTitle' } },
  { path: 'org/departments', name: 'departments', component: () => import('@/views/org/DepartmentsPage.vue'),
    meta: { title: 'menu.departments', group: 'org', permission: 'org.departments.view' } },
  { path: 'org/positions', name: 'positions', component: () => import('@/views/org/PositionsPage.vue'),
    meta: { title: 'menu.positions', group: 'org', permission: 'org.positions.view' } },
  { path: 'org/employees', name: 'employees', component: () => import('@/views/org/EmployeesPage.vue'),
    meta: { title: 'menu.employees', group: 'org', permission: 'org.employees.view' } },
  { path: 'org/roles', name: 'roles', component: () => import('@/views/org/RolesPage.vue'),
    meta: { title: 'menu.roles', group: 'org', permission: 'org.roles.view' } },
  { path: 'org/audit-log', name: 'audit', component: () => import('@/views/org/AuditLogPage.vue'),
    meta: { title: 'menu.audit', group: 'org', permission: 'audit.view' } },
  { path: 'customers', name: 'customers', component: () => import('@/views/customer/CustomersPage.vue'),
    meta: { title: 'menu.customers', group: 'customer', permission: 'customer.view' } },
  { path: 'customers/:id', name: 'customer', component: () => import('@/views/customer/CustomerDetailPage.vue'),
    meta: { title: 'menu.customerDetail', permission: 'customer.view' }, props: true },
  { path: 'blacklist', name: 'blacklist', component: () => import('@/views/customer/BlacklistPage.vue'),
    meta: { title: 'menu.blacklist', group: 'customer', permission: 'blacklist.view' } },
  { path: 'collateral/vehicles', name: 'vehicles', component: () => import('@/views/collateral/VehiclesPage.vue'),
    meta: { title: 'menu.vehicles', group: 'collateral', permission: 'collateral.view' } },
  { path: 'collateral/vehicles/:id', name: 'vehicle',
    component: () => import('@/views/collateral/VehicleDetailPage.vue'),
    meta: { title: 'menu.vehicleDetail', permission: 'collateral.view' }, props: true },
  { path: 'collateral/valuations', name: 'valuations',
    component: () => import('@/views/collateral/ValuationsPage.vue'),
    meta: { title: 'menu.valuations', group: 'collateral', permission: 'collateral.view' } },
  { path: 'collateral/gps-tasks', name: 'gpsTasks', component: () => import('@/views/collateral/TasksPage.vue'),
    meta: { title: 'menu.gpsTasks', group: 'collateral', permission: 'collateral.view' }, props: { kind: 'gps' } },
  { path: 'collateral/mortgages', name: 'mortgages', component: () => import('@/views/collateral/TasksPage.vue'),
    meta: { title: 'menu.mortgages', group: 'collateral', permission: 'collateral.view' },
    props: { kind: 'mortgage' } },
  { path: 'collateral/releases', name: 'releases', component: () => import('@/views/collateral/TasksPage.vue'),
    meta: { title: 'menu.releases', group: 'collateral', permission: 'collateral.view' }, props: { kind: 'release' } },
  { path: 'collateral/gps-alerts', name: 'gpsAlerts', component: () => import('@/views/collateral/GpsAlertsPage.vue'),
    meta: { title: 'menu.gpsAlerts', group: 'collateral', permission: 'collateral.view' } },
]
