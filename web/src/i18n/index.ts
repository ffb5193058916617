/** vue-i18n: zh-CN by default, English on request; the choice is remembered in this browser. */
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import en from './en'

/**
 * Each module of pages keeps its own labels in `modules/<module>.ts`: `export default { 'zh-CN': {...}, en: {...} }`,
 * merged here under the module's file name (`modules/customer.ts` → `t('customer.…')`).
 */
type ModuleMessages = { 'zh-CN': Record<string, unknown>; en: Record<string, unknown> }
const modules = import.meta.glob<ModuleMessages>('./modules/*.ts', { eager: true, import: 'default' })
const moduleMessages = { 'zh-CN': {} as Record<string, unknown>, en: {} as Record<string, unknown> }
for (const [path, messages] of Object.entries(modules)) {
  const name = path.replace(/^.*\/(.+)\.ts$/, '$1')
  moduleMessages['zh-CN'][name] = messages['zh-CN']
  moduleMessages.en[name] = messages.en
}

export type Locale = 'zh-CN' | 'en'
export const LOCALES: { value: Locale; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' },
]
const LOCALE_KEY = 'carloan.locale'

function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(LOCALE_KEY)
  return saved === 'en' ? 'en' : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': { ...zhCN, ...moduleMessages['zh-CN'] }, en: { ...en, ...moduleMessages.en } },
})

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  globalThis.localStorage?.setItem(LOCALE_KEY, locale)
  document.documentElement.lang = locale
}
