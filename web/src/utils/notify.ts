/** Messages and confirmations (Element Plus' function APIs, imported with their styles). */
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import { ApiProblem } from '@/api/problem'
import { i18n } from '@/i18n'
import { refusalText } from '@/utils/refusal'

export { refusalText }

export function notifySuccess(message?: string): void {
  ElMessage({ type: 'success', message: message ?? i18n.global.t('common.done') })
}

/** Shows what went wrong: the gateway's detail (with the correlation id on a 5xx), or the error's message. */
export function notifyError(error: unknown): void {
  const message = error instanceof ApiProblem
    ? refusalText(error)
    : error instanceof Error ? error.message : String(error)
  ElMessage({ type: 'error', message, duration: 6000, showClose: true })
}

export async function confirmAction(message: string, title?: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title ?? i18n.global.t('common.confirm'), {
      confirmButtonText: i18n.global.t('common.confirm'), cancelButtonText: i18n.global.t('common.cancel'),
      type: 'warning',
    })
    return true
  } catch {
    return false
  }
}
