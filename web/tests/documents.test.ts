import { describe, expect, it } from 'vitest'
import {
  acceptFor, categoriesFor, checklistLines, checklistPath, formatSize, hasChecklist, isStandardChecklist,
  missingDocumentsText, missingLabels, missingOf, normalizeChecklist, previewKind, stageProgress, standardChecklist,
  STANDARD_CHECKLIST, uploadCodeOf, uploadErrorText, type Catalogue,
} from '@/components/documents/documents'
import { ApiProblem } from '@/api/problem'
import { refusalText } from '@/utils/refusal'
import { dictLabel } from '@/utils/dictionaries'

const LABELS: Record<string, string> = {
  id_card_front: '身份证正面', id_card_back: '身份证反面', vehicle_registration_certificate: '机动车登记证书',
}
const labelOf = (code: string) => LABELS[code] ?? code

describe('sizes as staff read them', () => {
  it('shows bytes, kilobytes and megabytes with at most one decimal', () => {
    expect(formatSize(0)).toBe('0 B')
    expect(formatSize(1023)).toBe('1023 B')
    expect(formatSize(1024)).toBe('1 KB')
    expect(formatSize(1536)).toBe('1.5 KB')
    expect(formatSize(10 * 1024 * 1024)).toBe('10 MB')
    expect(formatSize(2.25 * 1024 * 1024)).toBe('2.3 MB')
    expect(formatSize(300 * 1024)).toBe('300 KB')
  })

  it('shows nothing known as a dash', () => {
    expect(formatSize(undefined)).toBe('—')
    expect(formatSize(null)).toBe('—')
    expect(formatSize(-1)).toBe('—')
  })
})

describe('what a file is shown as', () => {
  it('shows images inline, PDFs in the browser, nothing else', () => {
    expect(previewKind('image/png')).toBe('image')
    expect(previewKind('image/jpeg')).toBe('image')
    expect(previewKind('application/pdf')).toBe('pdf')
    expect(previewKind('text/plain')).toBeNull()
    expect(previewKind(undefined)).toBeNull()
  })

  it('lets a phone pick any image or a PDF, a desktop the three kept types', () => {
    expect(acceptFor(true)).toBe('image/*,application/pdf')
    expect(acceptFor(false)).toContain('image/png')
    expect(acceptFor(false)).not.toContain('image/*')
  })
})

describe('the categories of an owner type', () => {
  const catalogue: Catalogue = {
    categories: [
      { code: 'id_card_front', label: '身份证正面', owner_types: ['customer'] },
      { code: 'income_proof', label: '收入证明', owner_types: ['customer', 'application'] },
      { code: 'vehicle_photo', label: '', owner_types: ['vehicle', 'application'] },
      { code: 'other', label: '其他', owner_types: ['customer', 'application', 'vehicle', 'loan', 'gps_task', 'mortgage_task'] },
    ],
  }

  it('keeps only those kept on that kind of record, in the catalogue order', () => {
    expect(categoriesFor(catalogue, 'customer').map((c) => c.value)).toEqual(['id_card_front', 'income_proof', 'other'])
    expect(categoriesFor(catalogue, 'gps_task').map((c) => c.value)).toEqual(['other'])
  })

  it('labels a category the catalogue gives no label by the console’s own', () => {
    expect(categoriesFor(catalogue, 'vehicle', () => '车辆照片')[0]).toEqual({ value: 'vehicle_photo', label: '车辆照片' })
  })

  it('offers nothing before the catalogue is there', () => {
    expect(categoriesFor(null, 'customer')).toEqual([])
  })
})

describe('a step refused for documents missing', () => {
  const body = {
    code: 'DOCUMENTS_MISSING', status: 409, detail: 'documents missing',
    missing: [
      { owner_type: 'customer', owner_id: 'c1', category: 'id_card_front' },
      { owner_type: 'customer', owner_id: 'c1', category: 'id_card_back' },
      { owner_type: 'vehicle', owner_id: 'v1', category: 'vehicle_registration_certificate' },
    ],
  }

  it('names each missing category by its label', () => {
    expect(missingDocumentsText(body, labelOf)).toBe('缺少资料：身份证正面、身份证反面、机动车登记证书')
  })

  it('names a category once, even when two records miss it', () => {
    const twice = [{ owner_type: 'customer', category: 'id_card_front' }, { owner_type: 'customer', category: 'id_card_front' }]
    expect(missingLabels(twice, labelOf)).toBe('身份证正面')
  })

  it('falls back to the answer’s own label for a code the console does not know', () => {
    expect(missingLabels([{ owner_type: 'loan', category: 'new_kind', category_label: '新资料' }], labelOf)).toBe('新资料')
  })

  it('is nothing to say for any other refusal', () => {
    expect(missingOf({ code: 'LOAN_NOT_FOUND', missing: [] })).toEqual([])
    expect(missingDocumentsText({ code: 'SEGREGATION_OF_DUTIES', detail: '不能复核' }, labelOf)).toBeNull()
    expect(missingDocumentsText({ code: 'DOCUMENTS_MISSING' }, labelOf)).toBeNull()
  })

  it('is the line a refused action shows, in Chinese, and other refusals keep their detail', () => {
    expect(refusalText(new ApiProblem(409, body, null))).toBe('缺少资料：身份证正面、身份证反面、机动车登记证书')
    expect(refusalText(new ApiProblem(403, { code: 'SEGREGATION_OF_DUTIES', detail: '须由他人复核' }, null)))
      .toBe('须由他人复核')
  })
})

describe('a refused upload', () => {
  const words = (code: string | null) => `console:${code}`

  it('shows the gateway’s detail, written in the console’s language', () => {
    const body = { code: 'DOCUMENT_TYPE_NOT_ALLOWED', detail: '文件内容不是 JPEG、PNG 或 PDF（按文件内容识别，与文件名无关）' }
    expect(uploadErrorText(422, body, words)).toBe(body.detail)
  })

  it('words a bare 413 (a proxy’s, with no problem+json) itself as too large', () => {
    expect(uploadCodeOf(413, {})).toBe('DOCUMENT_TOO_LARGE')
    expect(uploadErrorText(413, { detail: 'HTTP 413' }, words)).toBe('console:DOCUMENT_TOO_LARGE')
  })

  it('knows the upload codes and nothing else', () => {
    for (const code of ['DOCUMENT_EMPTY', 'DOCUMENT_DUPLICATE', 'DOCUMENT_CATEGORY_INVALID']) {
      expect(uploadCodeOf(422, { code })).toBe(code)
    }
    expect(uploadCodeOf(500, { code: 'STORAGE_UNAVAILABLE' })).toBeNull()
    expect(uploadErrorText(500, {}, words)).toBe('console:null')
  })
})

describe('a product’s checklist', () => {
  it('is the standard list of the platform', () => {
    expect(STANDARD_CHECKLIST).toEqual({
      approval: [{ owner_type: 'customer', category: 'id_card_front' }, { owner_type: 'customer', category: 'id_card_back' },
        { owner_type: 'vehicle', category: 'vehicle_registration_certificate' }],
      signing: [{ owner_type: 'customer', category: 'driving_licence' }],
      disbursement_review: [{ owner_type: 'loan', category: 'signed_contract' }],
      gps_installation: [{ owner_type: 'gps_task', category: 'gps_installation_photo' }],
      mortgage_registration: [{ owner_type: 'mortgage_task', category: 'mortgage_certificate' }],
    })
  })

  it('is copied for a form, which may change its copy', () => {
    const copy = standardChecklist()
    copy.approval.pop()
    expect(STANDARD_CHECKLIST.approval).toHaveLength(3)
  })

  it('reads absent, null, empty stages and labels away', () => {
    expect(normalizeChecklist(undefined)).toEqual({})
    expect(normalizeChecklist(null)).toEqual({})
    expect(normalizeChecklist({ approval: [], signing: [{ owner_type: 'customer', category: 'driving_licence', category_label: '驾驶证' }] }))
      .toEqual({ signing: [{ owner_type: 'customer', category: 'driving_licence' }] })
    expect(hasChecklist({ approval: [] })).toBe(false)
    expect(hasChecklist(STANDARD_CHECKLIST)).toBe(true)
  })

  it('tells the standard list from another one, order within a stage aside', () => {
    const reordered = standardChecklist()
    reordered.approval.reverse()
    expect(isStandardChecklist(reordered)).toBe(true)
    expect(isStandardChecklist({ approval: STANDARD_CHECKLIST.approval })).toBe(false)
    expect(isStandardChecklist({})).toBe(false)
  })

  it('reads as one line per stage, in the order of a loan’s life', () => {
    const lines = checklistLines({ signing: STANDARD_CHECKLIST.signing, approval: STANDARD_CHECKLIST.approval }, {
      stage: (code) => dictLabel('checklistStage', code), ownerType: (code) => dictLabel('documentOwnerType', code),
      category: (code) => dictLabel('documentCategory', code),
    })
    expect(lines).toEqual([
      { stage: 'approval', stageLabel: '提交审批', items: ['客户·身份证正面', '客户·身份证反面', '车辆·机动车登记证书'] },
      { stage: 'signing', stageLabel: '签约', items: ['客户·驾驶证'] },
    ])
  })
})

describe('a record’s checklist', () => {
  it('is asked of the record’s own path', () => {
    expect(checklistPath('application', 'a1')).toBe('/api/v1/loan-applications/a1/checklist')
    expect(checklistPath('loan', 'l1')).toBe('/api/v1/loans/l1/checklist')
    expect(checklistPath('gps_task', 't1')).toBe('/api/v1/gps-tasks/t1/checklist')
    expect(checklistPath('mortgage_task', 't2')).toBe('/api/v1/mortgages/t2/checklist')
  })

  it('counts a stage’s items on file', () => {
    expect(stageProgress({ stage: 'approval', complete: false, items: [
      { owner_type: 'customer', owner_id: 'c', category: 'id_card_front', on_file: true },
      { owner_type: 'customer', owner_id: 'c', category: 'id_card_back', on_file: false },
    ] })).toEqual({ done: 1, total: 2 })
  })
})
