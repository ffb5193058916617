/** English, for staff who read it better. */
import type zhCN from './zh-CN'

const en: typeof zhCN = {
  app: { name: 'Car-loan management', short: 'Car loans' },
  common: {
    search: 'Search', reset: 'Reset', create: 'New', edit: 'Edit', save: 'Save', cancel: 'Cancel',
    confirm: 'OK', actions: 'Actions', detail: 'Details', loading: 'Loading…', empty: 'No data', yes: 'Yes',
    no: 'No', back: 'Back', refresh: 'Refresh', status: 'Status', createdAt: 'Created', saved: 'Saved',
    done: 'Done', all: 'All', close: 'Close', submit: 'Submit', approve: 'Approve', reject: 'Reject',
    comment: 'Comment',
  },
  shell: {
    menu: 'Menu', logout: 'Log out', language: 'Language', department: 'Department',
    noDepartment: 'No department', openMenu: 'Open menu', changePassword: 'Change password',
  },
  menu: {
    home: 'Home', inbox: 'My to-do',
    business: 'Origination', calculator: 'Repayment calculator', applications: 'Applications',
    applicationDetail: 'Application', disbursements: 'Disbursements', creditLines: 'Credit lines',
    products: 'Products', lpr: 'LPR', servicing: 'Servicing', loans: 'Loans', loanDetail: 'Loan',
    finance: 'Finance', journalEntries: 'Journal entries', trialBalance: 'Trial balance', ledgers: 'Ledgers',
    cashJournal: 'Cash journal', financeReports: 'Reports',
    postLoan: 'Post-loan', collectionTasks: 'Collection tasks', collectionTaskDetail: 'Collection task',
    warnings: 'Early warnings', classifications: 'Classification', cob: 'Close of business', org: 'Organisation', departments: 'Departments', positions: 'Positions',
    employees: 'Employees', roles: 'Roles', audit: 'Audit log', customer: 'Customers', customers: 'Customers',
    blacklist: 'Blacklist', customerDetail: 'Customer', vehicleDetail: 'Vehicle', collateral: 'Collateral', vehicles: 'Vehicles', valuations: 'Valuations',
    gpsTasks: 'GPS installation', mortgages: 'Mortgage registration', releases: 'Releases', gpsAlerts: 'GPS alerts',
  },
  login: {
    title: 'Log in to the car-loan platform', username: 'Username', password: 'Password', submit: 'Log in',
    required: 'Enter your username and password', sessionEnded: 'Your session has ended, please log in again',
    subtitle: 'Staff login',
  },
  home: { greeting: 'Hello, {name}', openInbox: 'All to-dos', nothingWaiting: 'Nothing waits for you',
    shortcuts: 'Shortcuts' },
  inbox: {
    title: 'My to-do', kind: 'Kind', item: 'Item', summary: 'Summary', waitingSince: 'Submitted', handle: 'Handle',
    empty: 'Nothing waits for you', unavailable: 'Not reachable just now, the list may be incomplete: {services}',
    reviewValuation: 'Review valuation', approveValuation: 'Approve', rejectValuation: 'Return', reviewed: 'Reviewed',
  },
  errors: {
    forbiddenTitle: 'Access denied', forbidden: 'You may not open this page; ask an administrator for access.',
    notFoundTitle: 'Page not found', notFound: 'The page you asked for does not exist.',
    support: 'give this number to support', network: 'Cannot reach the server; check the network and try again',
    goHome: 'Back to home',
  },
}
export default en
