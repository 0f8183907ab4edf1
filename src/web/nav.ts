// Navigation by role: each web area says which links it adds and for whom.
import type { Actor, Role } from '../platform/auth/roles.ts';

export type NavItem = { href: string; text: string; roles: readonly Role[] | 'public' | 'staff' };

export class Navigation {
  readonly #items: NavItem[] = [];
  add(...items: NavItem[]): void {
    this.#items.push(...items);
  }
  for(actor: Actor | null, currentPath: string): { href: string; text: string; current?: boolean; active?: boolean }[] {
    const visible = this.#items.filter((item) => {
      if (item.roles === 'public') return true;
      if (!actor || actor.role === 'system') return false;
      return item.roles === 'staff' || item.roles.includes(actor.role);
    });
    // Only the most specific link is marked: /offer/manage/… is "Core offer", not also "Find services".
    const matches = (href: string) => currentPath === href || (href !== '/' && currentPath.startsWith(`${href}/`));
    const best = visible.filter((i) => matches(i.href)).sort((a, b) => b.href.length - a.href.length)[0];
    return visible.map((item) => ({
      href: item.href,
      text: item.text,
      current: item === best && currentPath === item.href,
      active: item === best && currentPath !== item.href,
    }));
  }
}
