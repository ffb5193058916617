/** 账户: one's own password. */
export default {
  'zh-CN': {
    passwordTitle: '修改密码', current: '当前密码', next: '新密码', repeat: '确认新密码', mismatch: '两次输入的新密码不一致',
    mustChange: '您的密码由他人设置，请先修改密码再继续使用。', changed: '密码已修改，请使用新密码重新登录',
  },
  en: {
    passwordTitle: 'Change password', current: 'Current password', next: 'New password', repeat: 'Repeat new password',
    mismatch: 'The new passwords differ', mustChange: 'Someone else set your password: change it before you go on.',
    changed: 'Password changed: log in again with the new one',
  },
}
