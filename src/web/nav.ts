// Navigation by role: each web area says which links it adds and for whom.
import type { Actor, Role } from '../platform/auth/roles.ts';

export type NavItem = { href: string; text: string; roles: readonly Role[] | 'public' | 'staff' };

export class Navigation {
  readonly #items: NavItem[] = [];
  add(...items: NavItem[]): void {
    this.#items.push(...items);
  }
  for(actor: Actor | null, currentPath: string): { href: string; text: string; current?: boolean; active?: boolean }[] {
    return this.#items
      .filter((item) => {
        if (item.roles === 'public') return true;
        if (!actor || actor.role === 'system') return false;
        return item.roles === 'staff' || item.roles.includes(actor.role);
      })
      .map((item) => ({
        href: item.href,
        text: item.text,
        current: currentPath === item.href,
        active: item.href !== '/' && currentPath.startsWith(`${item.href}/`),
      }));
  }
}
