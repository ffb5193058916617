/**
 * The gateway's 影像资料 calls as the documents panel makes them: the catalogue (asked once per session), a
 * record's documents, an upload (multipart, with the console's token), a file's bytes as a Blob, a delete, and a
 * record's 资料清单.
 */
import { client, unwrap, type Schemas } from '@/api/client'
import { dictLabel } from '@/utils/dictionaries'
import { checklistPath, type Catalogue, type CategoryCode, type ChecklistScope, type DocumentRecord, type Owner,
  type RecordChecklist } from './documents'

let catalogue: Promise<Catalogue> | null = null

/** 资料类别 (GET /document-categories), asked once; a failed answer is asked again next time. */
export function loadCatalogue(): Promise<Catalogue> {
  if (!catalogue) {
    catalogue = unwrap(client.GET('/api/v1/document-categories')).catch((error) => {
      catalogue = null
      throw error
    })
  }
  return catalogue
}

export function categoryLabel(code: string): string {
  return dictLabel('documentCategory', code)
}

/** A record's current documents, newest first (one page of up to 100). */
export async function listDocuments(owner: Owner): Promise<DocumentRecord[]> {
  const page = await unwrap(client.GET('/api/v1/documents', {
    params: { query: { owner_type: owner.owner_type, owner_id: owner.owner_id, page_size: 100 } },
  }))
  return page.items
}

export interface UploadRequest {
  owner: Owner
  category: CategoryCode
  file: File
  /** The current version this file is the next version of. */
  replaces?: string | null
}

/** POST /documents as multipart/form-data; a refusal is thrown as the gateway's ApiProblem. */
export function uploadDocument(request: UploadRequest): Promise<DocumentRecord> {
  const form = new FormData()
  form.append('owner_type', request.owner.owner_type)
  form.append('owner_id', request.owner.owner_id)
  form.append('category', request.category)
  if (request.replaces) form.append('replaces', request.replaces)
  form.append('file', request.file, request.file.name)
  return unwrap(client.POST('/api/v1/documents', {
    // openapi-fetch sends a FormData body as it is, the browser writing its boundary
    body: form as unknown as Schemas['DocumentUpload'],
  }))
}

/** The stored bytes (with the console's token, so never a bare link) and the response they came in. */
export async function documentContent(id: string, download = false): Promise<{ blob: Blob; response: Response }> {
  let response: Response | undefined
  const blob = await unwrap(client.GET('/api/v1/documents/{document_id}/content', {
    params: { path: { document_id: id }, query: download ? { download: true } : {} }, parseAs: 'blob',
  }).then((result) => { response = result.response; return result })) as Blob
  return { blob, response: response! }
}

export function deleteDocument(id: string): Promise<DocumentRecord> {
  return unwrap(client.DELETE('/api/v1/documents/{document_id}', { params: { path: { document_id: id } } }))
}

/** A document with all its versions, oldest first. */
export function documentVersions(id: string): Promise<Schemas['DocumentFile']> {
  return unwrap(client.GET('/api/v1/documents/{document_id}', { params: { path: { document_id: id } } }))
}

type LooseGet = (path: string, init?: Record<string, unknown>) =>
  Promise<{ data?: unknown; error?: unknown; response: Response }>

/** GET …/checklist of an application, a loan or a GPS or mortgage task (typed here until schema.d.ts has it). */
export async function loadChecklist(scope: ChecklistScope, id: string): Promise<RecordChecklist> {
  const get = client.GET as unknown as LooseGet
  const answer = await unwrap(get(checklistPath(scope, id))) as Partial<RecordChecklist> | undefined
  return { stages: answer?.stages ?? [], missing: answer?.missing ?? [] }
}
