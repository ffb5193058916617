/** Who an id in a loan answer is (LPR entered by, credit line requested by): the employee's name, when it can be read. */
import { reactive } from 'vue'
import { client, unwrap } from '@/api/client'
import { useSession } from '@/stores/session'

const names = reactive(new Map<string, string | null>())

export function useEmployeeNames() {
  const session = useSession()

  /** Looks up the ids not known yet (only for those who may read employees; the others see the id). */
  async function resolve(ids: Iterable<string | null | undefined>): Promise<void> {
    if (session.me) names.set(session.me.id, session.me.name)
    if (!session.can('org.employees.view')) return
    const wanted = [...new Set([...ids].filter((id): id is string => !!id && /^[0-9a-f-]{36}$/.test(id) && !names.has(id)))]
    await Promise.all(wanted.map(async (id) => {
      names.set(id, null)
      try {
        const employee = await unwrap(client.GET('/api/v1/employees/{employee_id}', { params: { path: { employee_id: id } } }))
        names.set(id, employee.name ?? null)
      } catch {
        // unreadable (another data scope, removed): the id is shown
      }
    }))
  }

  function nameOf(id: string | null | undefined): string {
    if (!id) return '—'
    if (session.me?.id === id) return session.me.name
    return names.get(id) ?? (/^[0-9a-f-]{36}$/.test(id) ? `${id.slice(0, 8)}…` : id)
  }

  return { resolve, nameOf }
}
