// Server-rendered pages: Nunjucks with nhsuk-frontend's own macros and layout, autoescape always on.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import nunjucks from 'nunjucks';
import { ROLE_LABELS } from '../platform/auth/roles.ts';
import { csrfUserInfo } from '../platform/http/security.plugin.ts';
import type { Navigation } from './nav.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const templatesDir = path.join(here, 'templates');
const nhsukDir = path.resolve(here, '../../node_modules/nhsuk-frontend/dist');

export function createTemplateEnvironment(watch = false): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([templatesDir, nhsukDir], { watch, noCache: watch }),
    {
      autoescape: true,
      throwOnUndefined: false,
    },
  );
  env.addFilter('date', (value: unknown, style: 'date' | 'datetime' | 'time' = 'date') => {
    if (value === null || value === undefined || value === '') return '';
    const d = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(d.getTime())) return String(value);
    const options: Intl.DateTimeFormatOptions =
      style === 'time'
        ? { timeStyle: 'short', timeZone: 'Europe/London' }
        : style === 'datetime'
          ? { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' }
          : { dateStyle: 'long', timeZone: 'Europe/London' };
    return new Intl.DateTimeFormat('en-GB', options).format(d);
  });
  // `number(4, 0)`: up to 4 decimals, none written when the value has none (160,000 not 160,000.0000).
  env.addFilter('number', (value: unknown, digits = 0, minimumDigits = digits) =>
    typeof value === 'number' && Number.isFinite(value)
      ? value.toLocaleString('en-GB', { minimumFractionDigits: minimumDigits, maximumFractionDigits: digits })
      : (value ?? ''),
  );
  env.addFilter('pounds', (pence: unknown) =>
    typeof pence === 'number' ? `£${(pence / 100).toLocaleString('en-GB', { maximumFractionDigits: 0 })}` : '',
  );
  env.addFilter('roleLabel', (role: string) => ROLE_LABELS[role as keyof typeof ROLE_LABELS] ?? role);
  env.addGlobal('serviceName', 'Core Offer');
  return env;
}

export type RenderOptions = { navigation: Navigation; demoMode: () => boolean; environment?: nunjucks.Environment };

async function renderPlugin(app: FastifyInstance, options: RenderOptions) {
  const env = options.environment ?? createTemplateEnvironment();
  app.decorateReply('render', function render(template: string, context: Record<string, unknown> = {}) {
    const request = this.request;
    const actor = request.actor ?? null;
    const currentPath = request.url.split('?')[0] ?? '/';
    const html = env.render(template, {
      ...context,
      actor,
      roleLabel: actor && actor.role !== 'system' ? ROLE_LABELS[actor.role] : null,
      navigation: options.navigation.for(actor, currentPath),
      csrfToken: this.generateCsrf({ userInfo: csrfUserInfo(request) }),
      cspNonce: (this as unknown as { cspNonce?: { script: string } }).cspNonce?.script,
      currentPath,
      demoMode: options.demoMode(),
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
}

export default fp(renderPlugin, { name: 'render', dependencies: ['security'] });
