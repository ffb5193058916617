/**
 * 影像资料 and 资料清单, framework-free: sizes as staff read them, the categories an owner type keeps, what a
 * refused upload or a refused step (409 DOCUMENTS_MISSING) tells, the standard checklist the product form offers,
 * and a product's checklist summed up.
 */
import type { Schemas } from '@/api/client'

export type OwnerType = Schemas['Document']['owner_type']
export type CategoryCode = Schemas['Document']['category']
export type DocumentRecord = Schemas['Document']
export type Catalogue = Schemas['Catalogue']

export const OWNER_TYPES: readonly OwnerType[] = ['customer', 'application', 'vehicle', 'loan', 'gps_task', 'mortgage_task']

/** A record documents are kept on, as a page names it. */
export interface Owner {
  owner_type: OwnerType
  owner_id: string
  /** What the tab of this record says (the owner type's label when absent). */
  label?: string
}

// -- sizes and types -------------------------------------------------------------------------------------
/** A size in bytes as "512 B", "1.5 KB", "2.3 MB" (1024 to the kilobyte, one decimal, none when whole). */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  const text = value >= 100 ? Math.round(value).toString() : value.toFixed(1).replace(/\.0$/, '')
  return `${text} ${units[unit]}`
}

/** How the console shows a stored file: an image inline, a PDF in a frame; anything else is only downloaded. */
export function previewKind(mediaType: string | null | undefined): 'image' | 'pdf' | null {
  if (!mediaType) return null
  if (mediaType.startsWith('image/')) return 'image'
  if (mediaType === 'application/pdf') return 'pdf'
  return null
}

/** What the file picker offers: on a phone any image (the camera's HEIC is refused by the server, with why) or
 * PDF; on a desktop the three types the platform keeps. */
export function acceptFor(phone: boolean): string {
  return phone ? 'image/*,application/pdf' : 'image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf'
}

/** The platform's limit (CARLOAN_DOCUMENT_MAX_BYTES by default): a larger file is refused before it is sent. */
export const MAX_BYTES = 10 * 1024 * 1024

// -- categories ------------------------------------------------------------------------------------------
export interface CategoryOption { value: CategoryCode; label: string }

/** The categories kept on `ownerType`, in the catalogue's order, labelled by the catalogue (else by `labelOf`). */
export function categoriesFor(catalogue: Catalogue | null | undefined, ownerType: OwnerType,
  labelOf: (code: string) => string = (code) => code): CategoryOption[] {
  return (catalogue?.categories ?? [])
    .filter((category) => (category.owner_types ?? []).includes(ownerType))
    .map((category) => ({ value: category.code as CategoryCode, label: category.label || labelOf(category.code) }))
}

// -- what a refusal says ---------------------------------------------------------------------------------
/** The problem+json body of a refusal, as far as these helpers read it. */
export interface RefusalBody {
  code?: string
  detail?: string
  status?: number
  missing?: unknown
  [extension: string]: unknown
}

export interface MissingItem {
  owner_type: string
  owner_id?: string
  category: string
  category_label?: string
}

/** The `missing` list of a 409 DOCUMENTS_MISSING, [] for any other answer. */
export function missingOf(body: RefusalBody | null | undefined): MissingItem[] {
  if (!body || body.code !== 'DOCUMENTS_MISSING' || !Array.isArray(body.missing)) return []
  return body.missing.filter((item): item is MissingItem => !!item && typeof item === 'object'
    && typeof (item as MissingItem).category === 'string')
}

/** "身份证正面、身份证反面": each missing category once, by its label (`labelOf`, in the console's language; the
 * answer's own `category_label` for a code `labelOf` does not know). */
export function missingLabels(missing: readonly MissingItem[], labelOf: (category: string) => string,
  separator = '、'): string {
  const labels: string[] = []
  for (const item of missing) {
    const known = labelOf(item.category)
    const label = known && known !== item.category ? known : item.category_label || item.category
    if (!labels.includes(label)) labels.push(label)
  }
  return labels.join(separator)
}

/**
 * What a refused step shows: "缺少资料：身份证正面、…" for 409 DOCUMENTS_MISSING (`prefix` being "缺少资料："),
 * null for any other refusal (which shows its own detail).
 */
export function missingDocumentsText(body: RefusalBody | null | undefined, labelOf: (category: string) => string,
  prefix = '缺少资料：', separator = '、'): string | null {
  const missing = missingOf(body)
  if (!missing.length) return null
  return `${prefix}${missingLabels(missing, labelOf, separator)}`
}

/** The codes of a refused upload the console words itself when the gateway's answer has no detail (a proxy's 413). */
export const UPLOAD_CODES = ['DOCUMENT_TYPE_NOT_ALLOWED', 'DOCUMENT_TOO_LARGE', 'DOCUMENT_EMPTY', 'DOCUMENT_DUPLICATE',
  'DOCUMENT_CATEGORY_INVALID'] as const
export type UploadCode = (typeof UPLOAD_CODES)[number]

/** The code a refused upload stands for: its own, else by its status (413 too large). */
export function uploadCodeOf(status: number, body: RefusalBody | null | undefined): UploadCode | null {
  const code = body?.code
  if (code && (UPLOAD_CODES as readonly string[]).includes(code)) return code as UploadCode
  if (status === 413) return 'DOCUMENT_TOO_LARGE'
  return null
}

/**
 * The message of a refused upload: the gateway's detail (it is written in the console's language), or, where the
 * answer has none (a proxy's bare 413), the console's own words for the code (`fallback`).
 */
export function uploadErrorText(status: number, body: RefusalBody | null | undefined,
  fallback: (code: UploadCode | null) => string): string {
  const detail = typeof body?.detail === 'string' ? body.detail.trim() : ''
  if (detail && !/^HTTP \d+$/.test(detail)) return detail
  return fallback(uploadCodeOf(status, body))
}

// -- 资料清单 ----------------------------------------------------------------------------------------------
export const STAGES = ['approval', 'signing', 'disbursement_review', 'gps_installation', 'mortgage_registration'] as const
export type Stage = (typeof STAGES)[number]

export interface ChecklistEntry { owner_type: string; category: string }
/** A product's checklist: {stage: [{owner_type, category}]}; a stage not listed requires nothing. */
export type ProductChecklist = Partial<Record<string, ChecklistEntry[]>>

/** 标准资料清单: what the console fills a product's checklist with (services/loan/domain/checklists.py STANDARD). */
export const STANDARD_CHECKLIST: Record<Stage, ChecklistEntry[]> = {
  approval: [
    { owner_type: 'customer', category: 'id_card_front' },
    { owner_type: 'customer', category: 'id_card_back' },
    { owner_type: 'vehicle', category: 'vehicle_registration_certificate' },
  ],
  signing: [{ owner_type: 'customer', category: 'driving_licence' }],
  disbursement_review: [{ owner_type: 'loan', category: 'signed_contract' }],
  gps_installation: [{ owner_type: 'gps_task', category: 'gps_installation_photo' }],
  mortgage_registration: [{ owner_type: 'mortgage_task', category: 'mortgage_certificate' }],
}

/** A fresh copy of the standard checklist (a form may change its copy). */
export function standardChecklist(): Record<Stage, ChecklistEntry[]> {
  return Object.fromEntries(Object.entries(STANDARD_CHECKLIST)
    .map(([stage, items]) => [stage, items.map((item) => ({ ...item }))])) as Record<Stage, ChecklistEntry[]>
}

/** A product's checklist as the API answers it (absent, null, {} or with empty stages): only the stages that
 * require something, in the order of the loan's life. */
export function normalizeChecklist(value: unknown): ProductChecklist {
  if (!value || typeof value !== 'object') return {}
  const source = value as Record<string, unknown>
  const known = [...STAGES, ...Object.keys(source).filter((stage) => !(STAGES as readonly string[]).includes(stage))]
  const out: ProductChecklist = {}
  for (const stage of known) {
    const items = source[stage]
    if (!Array.isArray(items)) continue
    const entries = items.filter((item): item is ChecklistEntry => !!item && typeof item === 'object'
      && typeof item.owner_type === 'string' && typeof item.category === 'string')
      .map((item) => ({ owner_type: item.owner_type, category: item.category }))
    if (entries.length) out[stage] = entries
  }
  return out
}

/** Whether a product's checklist requires anything. */
export function hasChecklist(value: unknown): boolean {
  return Object.keys(normalizeChecklist(value)).length > 0
}

/** Whether a checklist is the standard one, item for item (order within a stage aside). */
export function isStandardChecklist(value: unknown): boolean {
  const checklist = normalizeChecklist(value)
  const key = (items: ChecklistEntry[] | undefined) => (items ?? []).map((i) => `${i.owner_type}/${i.category}`).sort().join(',')
  const stages = new Set([...Object.keys(checklist), ...STAGES])
  return [...stages].every((stage) => key(checklist[stage]) === key(STANDARD_CHECKLIST[stage as Stage]))
}

export interface ChecklistLine { stage: string; stageLabel: string; items: string[] }

/** A product's checklist as lines to read: "提交审批：客户·身份证正面、…", one per stage that requires something. */
export function checklistLines(value: unknown, labels: {
  stage: (code: string) => string; ownerType: (code: string) => string; category: (code: string) => string
}): ChecklistLine[] {
  return Object.entries(normalizeChecklist(value)).map(([stage, items]) => ({
    stage, stageLabel: labels.stage(stage),
    items: (items ?? []).map((item) => `${labels.ownerType(item.owner_type)}·${labels.category(item.category)}`),
  }))
}

// -- a record's checklist as the API answers it (GET …/checklist) -----------------------------------------------
export interface ChecklistItem {
  owner_type: string
  owner_id: string
  owner_type_label?: string
  category: string
  category_label?: string
  on_file: boolean
}
export interface ChecklistStage {
  stage: string
  stage_label?: string
  complete: boolean
  items: ChecklistItem[]
}
export interface RecordChecklist {
  stages: ChecklistStage[]
  missing: MissingItem[]
}

/** The records whose checklists the API answers, and the path of each one's. */
export type ChecklistScope = 'application' | 'loan' | 'gps_task' | 'mortgage_task'

export function checklistPath(scope: ChecklistScope, id: string): string {
  const id_ = encodeURIComponent(id)
  switch (scope) {
    case 'application': return `/api/v1/loan-applications/${id_}/checklist`
    case 'loan': return `/api/v1/loans/${id_}/checklist`
    case 'gps_task': return `/api/v1/gps-tasks/${id_}/checklist`
    case 'mortgage_task': return `/api/v1/mortgages/${id_}/checklist`
  }
}

/** How far a stage is: its items on file of all it requires. */
export function stageProgress(stage: ChecklistStage): { done: number; total: number } {
  return { done: stage.items.filter((item) => item.on_file).length, total: stage.items.length }
}
