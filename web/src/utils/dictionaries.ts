/** 字典: the labels staff read for the codes the API returns (statuses, kinds, scopes), in both languages. */
import { i18n } from '@/i18n'

type Dictionary = Record<string, { 'zh-CN': string; en: string }>

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })

export const DICTIONARIES = {
  dataScope: {
    own: label('本人', 'Own records'), department: label('本部门', 'Own department'),
    department_tree: label('本部门及下级', 'Department and below'), all: label('全部', 'All'),
  },
  employeeStatus: { active: label('在职', 'Active'), disabled: label('已停用', 'Disabled') },
  customerType: { person: label('个人', 'Person'), enterprise: label('企业', 'Enterprise') },
  /** A customer's loan history: applications and loans as the customer service records them. */
  customerLoanStatus: {
    applied: label('审批中', 'Applied'), rejected: label('已拒绝', 'Rejected'), active: label('还款中', 'Repaying'),
    settled: label('已结清', 'Settled'),
  },
  /** 五级分类 (the regulator's five loan classes). */
  loanClassification: {
    normal: label('正常', 'Normal'), special_mention: label('关注', 'Special mention'),
    substandard: label('次级', 'Substandard'), doubtful: label('可疑', 'Doubtful'), loss: label('损失', 'Loss'),
  },
  valuationStatus: {
    submitted: label('待复核', 'Awaiting review'), approved: label('已通过', 'Approved'),
    rejected: label('已退回', 'Returned'),
  },
  valuationMethod: {
    market: label('市场法', 'Market'), replacement_cost: label('重置成本法', 'Replacement cost'),
    income: label('收益法', 'Income'), comprehensive: label('综合评估', 'Comprehensive'),
  },
  taskStatus: { open: label('待办', 'Open'), completed: label('已完成', 'Completed'), cancelled: label('已取消', 'Cancelled') },
  alertKind: {
    offline: label('离线', 'Offline'), removed: label('拆除', 'Removed'), geofence_exit: label('驶出围栏', 'Left geofence'),
  },
  inboxKind: {
    valuation_review: label('估值待复核', 'Valuation to review'),
    application_investigation: label('待贷前调查', 'Application to investigate'),
    application_decision: label('待一级审批', 'First approval'),
    application_second_approval: label('待二级审批', 'Second approval'),
    disbursement_review: label('待放款复核', 'Disbursement to review'),
    credit_line_decision: label('待授信审批', 'Credit line to decide'),
    extension_decision: label('待展期审批', 'Extension to decide'),
    transfer_decision: label('待债务转让审批', 'Transfer to decide'),
    reversal_decision: label('待还款冲正复核', 'Repayment reversal to review'),
    classification_adjustment: label('五级分类调整待审批', 'Classification adjustment'),
    collection_task: label('催收任务', 'Collection task'),
    gps_install: label('GPS待安装', 'GPS to install'),
    gps_removal: label('GPS待拆除', 'GPS to remove'),
    mortgage_registration: label('抵押待登记', 'Mortgage to register'),
    mortgage_release: label('抵押待解除', 'Mortgage to release'),
  },
  /** 影像资料: the kinds of record documents are kept on, and the categories (as services/document/contract.py). */
  documentOwnerType: {
    customer: label('客户', 'Customer'), application: label('贷款申请', 'Application'), vehicle: label('车辆', 'Vehicle'),
    loan: label('贷款', 'Loan'), gps_task: label('GPS任务', 'GPS task'), mortgage_task: label('抵押任务', 'Mortgage task'),
  },
  documentCategory: {
    id_card_front: label('身份证正面', 'ID card (front)'), id_card_back: label('身份证反面', 'ID card (back)'),
    driving_licence: label('驾驶证', 'Driving licence'), income_proof: label('收入证明', 'Proof of income'),
    bank_statement: label('银行流水', 'Bank statement'), business_licence: label('营业执照', 'Business licence'),
    vehicle_registration_certificate: label('机动车登记证书', 'Vehicle registration certificate'),
    vehicle_licence: label('机动车行驶证', 'Vehicle licence'), vehicle_photo: label('车辆照片', 'Vehicle photo'),
    investigation_photo: label('调查照片', 'Investigation photo'),
    signed_contract: label('借款合同(签字版)', 'Signed loan contract'),
    disbursement_voucher: label('放款凭证', 'Disbursement voucher'),
    mortgage_certificate: label('抵押登记证书', 'Mortgage certificate'),
    gps_installation_photo: label('GPS安装照片', 'GPS installation photo'), other: label('其他', 'Other'),
  },
  /** 资料清单: the stages a product's checklist may require documents before. */
  checklistStage: {
    approval: label('提交审批', 'Approval'), signing: label('签约', 'Signing'),
    disbursement_review: label('放款复核', 'Disbursement review'), gps_installation: label('GPS安装', 'GPS installation'),
    mortgage_registration: label('抵押登记', 'Mortgage registration'),
  },
} satisfies Record<string, Dictionary>

export type DictionaryName = keyof typeof DICTIONARIES

/** The label of `code` in the current language; an unknown code is shown as it is. */
export function dictLabel(name: DictionaryName, code: string | null | undefined): string {
  if (!code) return '—'
  const entry = (DICTIONARIES[name] as Dictionary)[code]
  if (!entry) return code
  return i18n.global.locale.value === 'en' ? entry.en : entry['zh-CN']
}

export function dictOptions(name: DictionaryName): { value: string; label: string }[] {
  return Object.keys(DICTIONARIES[name]).map((value) => ({ value, label: dictLabel(name, value) }))
}
