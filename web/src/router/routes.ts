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

export type MenuGroup = 'main' | 'business' | 'servicing' | 'finance' | 'postLoan' | 'customer' | 'collateral' | 'org'

export const MENU_GROUPS: { key: MenuGroup; title: string }[] = [
  { key: 'main', title: '' },
  { key: 'business', title: 'menu.business' },
  { key: 'servicing', title: 'menu.servicing' },
  { key: 'finance', title: 'menu.finance' },
  { key: 'postLoan', title: 'menu.postLoan' },
  { key: 'customer', title: 'menu.customer' },
  { key: 'collateral', title: 'menu.collateral' },
  { key: 'org', title: 'menu.org' },
]

export const pageRoutes: RouteRecordRaw[] = [
  { path: '', name: 'home', component: () => import('@/views/HomePage.vue'), meta: { title: 'menu.home', group: 'main' } },
  { path: 'inbox', name: 'inbox', component: () => import('@/views/inbox/InboxPage.vue'),
    meta: { title: 'menu.inbox', group: 'main' } },
  // 业务中心: origination
  { path: 'business/calculator', name: 'calculator', component: () => import('@/views/business/CalculatorPage.vue'),
    meta: { title: 'menu.calculator', group: 'business', permission: 'loan.calculate' } },
  { path: 'business/applications', name: 'applications',
    component: () => import('@/views/business/ApplicationsPage.vue'),
    meta: { title: 'menu.applications', group: 'business', permission: 'loan.view' } },
  { path: 'business/applications/:id', name: 'application',
    component: () => import('@/views/business/ApplicationDetailPage.vue'),
    meta: { title: 'menu.applicationDetail', permission: 'loan.view' }, props: true },
  { path: 'business/disbursements', name: 'disbursements',
    component: () => import('@/views/business/DisbursementsPage.vue'),
    meta: { title: 'menu.disbursements', group: 'business', permission: 'loan.view' } },
  { path: 'business/credit-lines', name: 'creditLines', component: () => import('@/views/business/CreditLinesPage.vue'),
    meta: { title: 'menu.creditLines', group: 'business', permission: 'loan.view' } },
  { path: 'business/products', name: 'products', component: () => import('@/views/business/ProductsPage.vue'),
    meta: { title: 'menu.products', group: 'business', permission: 'loan.view' } },
  { path: 'business/lpr', name: 'lpr', component: () => import('@/views/business/LprPage.vue'),
    meta: { title: 'menu.lpr', group: 'business', permission: 'loan.view' } },
  // 贷中: servicing
  { path: 'loans', name: 'loans', component: () => import('@/views/servicing/LoansPage.vue'),
    meta: { title: 'menu.loans', group: 'servicing', permission: 'loan.view' } },
  { path: 'loans/:id', name: 'loan', component: () => import('@/views/servicing/LoanDetailPage.vue'),
    meta: { title: 'menu.loanDetail', permission: 'loan.view' }, props: true },
  // 财务中心
  { path: 'finance/journal-entries', name: 'journalEntries',
    component: () => import('@/views/finance/JournalEntriesPage.vue'),
    meta: { title: 'menu.journalEntries', group: 'finance', permission: 'finance.view' } },
  { path: 'finance/trial-balance', name: 'trialBalance', component: () => import('@/views/finance/TrialBalancePage.vue'),
    meta: { title: 'menu.trialBalance', group: 'finance', permission: 'finance.view' } },
  { path: 'finance/ledgers', name: 'ledgers', component: () => import('@/views/finance/LedgersPage.vue'),
    meta: { title: 'menu.ledgers', group: 'finance', permission: 'finance.view' } },
  { path: 'finance/cash-journal', name: 'cashJournal', component: () => import('@/views/finance/CashJournalPage.vue'),
    meta: { title: 'menu.cashJournal', group: 'finance', permission: 'finance.view' } },
  { path: 'finance/reports', name: 'financeReports', component: () => import('@/views/finance/ReportsPage.vue'),
    meta: { title: 'menu.financeReports', group: 'finance', permission: 'finance.view' } },
  // 贷后管理
  { path: 'post-loan/tasks', name: 'collectionTasks', component: () => import('@/views/postloan/TasksPage.vue'),
    meta: { title: 'menu.collectionTasks', group: 'postLoan', permission: 'collection.view' } },
  { path: 'post-loan/tasks/:id', name: 'collectionTask', component: () => import('@/views/postloan/TaskDetailPage.vue'),
    meta: { title: 'menu.collectionTaskDetail', permission: 'collection.view' }, props: true },
  { path: 'post-loan/warnings', name: 'warnings', component: () => import('@/views/postloan/WarningsPage.vue'),
    meta: { title: 'menu.warnings', group: 'postLoan', permission: 'collection.view' } },
  { path: 'post-loan/classifications', name: 'classifications',
    component: () => import('@/views/postloan/ClassificationsPage.vue'),
    meta: { title: 'menu.classifications', group: 'postLoan', permission: 'collection.view' } },
  { path: 'post-loan/cob', name: 'cob', component: () => import('@/views/postloan/CobPage.vue'),
    meta: { title: 'menu.cob', group: 'postLoan', permission: 'loan.view' } },
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
