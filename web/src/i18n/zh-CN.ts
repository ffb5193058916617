/** 简体中文: the console's default language. */
export default {
  app: { name: '车贷管理系统', short: '车贷' },
  common: {
    search: '查询', reset: '重置', create: '新建', edit: '编辑', save: '保存', cancel: '取消', confirm: '确定',
    actions: '操作', detail: '详情', loading: '加载中…', empty: '暂无数据', yes: '是', no: '否', back: '返回',
    refresh: '刷新', status: '状态', createdAt: '创建时间', saved: '已保存', done: '操作成功', all: '全部',
    close: '关闭', submit: '提交', approve: '通过', reject: '驳回', comment: '意见',
  },
  shell: {
    menu: '菜单', logout: '退出登录', language: '语言', department: '部门', noDepartment: '未分配部门',
    openMenu: '打开菜单', changePassword: '修改密码',
  },
  menu: {
    home: '首页', inbox: '我的待办',
    business: '业务中心', calculator: '还款试算', applications: '贷款申请', applicationDetail: '申请详情',
    disbursements: '放款管理', creditLines: '授信管理', products: '贷款产品', lpr: 'LPR利率表',
    servicing: '贷中管理', loans: '贷款台账', loanDetail: '贷款详情',
    finance: '财务中心', journalEntries: '会计凭证', trialBalance: '试算平衡表', ledgers: '业务台账',
    cashJournal: '资金日记账', financeReports: '经营报表',
    postLoan: '贷后管理', collectionTasks: '催收任务', collectionTaskDetail: '催收任务详情', warnings: '风险预警',
    classifications: '五级分类', cob: '日终批处理', org: '组织架构', departments: '部门管理', positions: '职务管理',
    employees: '员工管理', roles: '角色权限', audit: '审计日志', customer: '客户管理', customers: '客户列表',
    blacklist: '黑名单', customerDetail: '客户详情', vehicleDetail: '车辆详情', collateral: '抵押物管理', vehicles: '车辆', valuations: '车辆评估', gpsTasks: 'GPS安装',
    mortgages: '抵押登记', releases: '解押', gpsAlerts: 'GPS告警',
  },
  login: {
    title: '登录车贷管理系统', username: '用户名', password: '密码', submit: '登录', required: '请输入用户名和密码',
    sessionEnded: '登录已失效，请重新登录', subtitle: '员工登录',
  },
  home: { greeting: '您好，{name}', openInbox: '查看全部待办', nothingWaiting: '暂无待办事项', shortcuts: '常用功能' },
  inbox: {
    title: '我的待办', kind: '类型', item: '事项', summary: '摘要', waitingSince: '提交时间', handle: '处理',
    empty: '没有等待您处理的事项', unavailable: '以下服务暂时无法访问，待办可能不完整：{services}',
    reviewValuation: '复核估值', approveValuation: '通过', rejectValuation: '退回', reviewed: '已复核',
  },
  errors: {
    forbiddenTitle: '无权访问', forbidden: '您没有访问此页面的权限，如需开通请联系系统管理员。',
    notFoundTitle: '页面不存在', notFound: '您访问的页面不存在。', support: '请将此编号告知技术支持',
    network: '无法连接服务器，请检查网络后重试', goHome: '返回首页',
  },
}
