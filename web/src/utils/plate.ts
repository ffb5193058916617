/**
 * 车牌号 as the collateral service checks it (GA 36-2018), for a hint while it is typed: a province character, a
 * letter, then five characters (the last may be 挂/学/警), or six for new-energy plates (D/F + 5, or 5 digits +
 * D/F). I and O are never issued. Separators (spaces, ·, dots, hyphens) are dropped and letters upper-cased.
 */

// The server's list, character for character.
export const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼'
const SERIAL = '[A-HJ-NP-Z0-9]'
const PLATE = new RegExp(
  `^[${PROVINCES}][A-HJ-NP-Z]`
  + `(?:${SERIAL}{4}[A-HJ-NP-Z0-9挂学警]`
  + `|[DF][A-HJ-NP-Z0-9][0-9]{4}`
  + `|[0-9]{5}[DF])$`, 'u')
const STRIPPED = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000·.-]/gu

export function normalizePlate(raw: string | null | undefined): string {
  return (raw ?? '').replace(STRIPPED, '').toUpperCase()
}

/** Whether a normalised plate number has the format the server accepts. */
export function isPlate(plate: string): boolean {
  return PLATE.test(plate)
}
