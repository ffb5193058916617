/** What a refused action says, framework-free beyond vue-i18n (the message functions in notify.ts show it). */
import { ApiProblem, problemMessage } from '@/api/problem'
import { i18n } from '@/i18n'
import { missingDocumentsText } from '@/components/documents/documents'
import { dictLabel } from '@/utils/dictionaries'

/**
 * The line a refused action shows: for 409 DOCUMENTS_MISSING, "缺少资料：身份证正面、…" by the categories' labels;
 * otherwise the gateway's detail (with the correlation id on a 5xx).
 */
export function refusalText(problem: ApiProblem): string {
  const english = i18n.global.locale.value === 'en'
  return missingDocumentsText(problem.body, (code) => dictLabel('documentCategory', code),
    i18n.global.t('documents.missingPrefix'), english ? ', ' : '、')
    ?? problemMessage(problem, i18n.global.t('errors.support'))
}
