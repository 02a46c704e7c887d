// The public page's own small catalogue (zh-CN and en), kept apart from the SPA's to stay light.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Catalogue } from '../i18n/types';
import { detectLanguage, rememberLanguage, type Language } from '../i18n/language';
import { setPublicLanguage } from './api';

const en = {
  submit: 'Submit', submitting: 'Submitting…', required: 'Required', optional: 'optional', choose: 'Choose…',
  thanks: 'Thank you! Your answer was received.', another: 'Submit another response', loading: 'Loading…',
  notFound: 'This link does not exist or is no longer open.', closed: 'This form is not accepting answers right now.',
  network: 'No connection. Check your network and try again.', generic: 'Something went wrong. Please try again.',
  rateLimited: 'Too many submissions from your network. Please wait {{seconds}} seconds and try again.',
  rateLimitedShort: 'Too many submissions from your network. Please wait a moment and try again.',
  fixErrors: 'Please check the highlighted answers.', tooLarge: 'Your answer is too large.',
  addRow: 'Add row', removeRow: 'Remove', computed: 'Calculated automatically', notSupported: 'This question cannot be answered on a public link.',
  province: 'Province', city: 'City', district: 'District', detail: 'Street and number',
  lookupTitle: 'Look up your submission', lookupButton: 'Look up', password: 'Password', notFoundRecord: 'Nothing was found for this value.',
  wrongPassword: 'The password is wrong.', yes: 'Yes', no: 'No', poweredBy: 'Made with Formloom', language: 'Language',
  opensAt: 'Opens at {{time}}', locateMe: 'Use my location', placeName: 'Place name', noQuestions: 'This form has no questions yet.', invalidEmail: 'Enter a valid email address', invalidNumber: 'Enter a number', invalidUrl: 'Enter a full link starting with http:// or https://',
  addFile: 'Choose a file', addPhoto: 'Take or choose a photo', uploading: 'Uploading…', removeFile: 'Remove',
  uploadFailed: 'The file could not be uploaded. Please try again.', tooManyFiles: 'At most {{max}} files.', fileTooLarge: '{{name}} is larger than {{size}}.',
};

const zh: Catalogue<typeof en> = {
  submit: '提交', submitting: '提交中…', required: '必填', optional: '选填', choose: '请选择',
  thanks: '谢谢！你的回答已收到。', another: '再填一份', loading: '加载中…',
  notFound: '链接不存在或已关闭。', closed: '此表单暂不接受填写。',
  network: '网络未连接，请检查后重试。', generic: '出了点问题，请重试。',
  rateLimited: '你的网络提交过于频繁，请等待 {{seconds}} 秒后重试。',
  rateLimitedShort: '你的网络提交过于频繁，请稍后重试。',
  fixErrors: '请检查标出的回答。', tooLarge: '回答内容过大。',
  addRow: '添加一行', removeRow: '删除', computed: '自动计算', notSupported: '此问题无法通过公开链接填写。',
  province: '省份', city: '城市', district: '区县', detail: '详细地址',
  lookupTitle: '查询我的提交', lookupButton: '查询', password: '密码', notFoundRecord: '没有找到对应的记录。',
  wrongPassword: '密码错误。', yes: '是', no: '否', poweredBy: '由 Formloom 提供', language: '语言',
  opensAt: '将于 {{time}} 开放', locateMe: '获取当前位置', placeName: '地点名称', noQuestions: '此表单还没有问题。', invalidEmail: '请输入有效的邮箱地址', invalidNumber: '请输入数字', invalidUrl: '请输入以 http:// 或 https:// 开头的完整链接',
  addFile: '选择文件', addPhoto: '拍照或选择照片', uploading: '上传中…', removeFile: '删除',
  uploadFailed: '文件上传失败，请重试。', tooManyFiles: '最多 {{max}} 个文件。', fileTooLarge: '{{name}} 超过 {{size}}。',
};

export type PublicKey = keyof typeof en;

export function setupPublicI18n(): Language {
  const lang = detectLanguage();
  void i18n.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zh } },
    lng: lang, fallbackLng: 'en', interpolation: { escapeValue: false },
  });
  setPublicLanguage(lang);
  document.documentElement.lang = lang;
  return lang;
}

export function switchLanguage(lang: Language) {
  rememberLanguage(lang);
  setPublicLanguage(lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}
