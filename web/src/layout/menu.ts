/** The menu a user sees: the routes in menu groups, kept to those their permissions open. */
import { MENU_GROUPS, pageRoutes, type MenuGroup } from '@/router/routes'

export interface MenuItem { name: string; path: string; title: string }
export interface MenuSection { key: MenuGroup; title: string; items: MenuItem[] }

export function menuFor(can: (required: string | string[] | undefined) => boolean): MenuSection[] {
  return MENU_GROUPS.map((group) => ({
    key: group.key,
    title: group.title,
    items: pageRoutes
      .filter((route) => route.meta?.group === group.key && can(route.meta?.permission))
      .map((route) => ({ name: String(route.name), path: `/${route.path}`, title: String(route.meta?.title) })),
  })).filter((section) => section.items.length > 0)
}
