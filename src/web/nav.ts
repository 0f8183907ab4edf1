// Navigation by role: each web area says which links it adds and for whom.
import type { Actor, Role } from '../platform/auth/roles.ts';

export type NavItem = { href: string; text: string; roles: readonly Role[] | 'public' | 'staff' };

/** Work waiting for the signed-in person, for the staff home: "3 referrals to triage". */
export type HomeTask = {
  count: number;
  one: string;
  many: string;
  href: string;
  /** The count was capped: show "more than" it. */
  more?: boolean;
};
type TaskSource = { roles: readonly Role[]; load: (actor: Actor) => Promise<HomeTask[]> };

export class Navigation {
  readonly #items: NavItem[] = [];
  readonly #tasks: TaskSource[] = [];
  add(...items: NavItem[]): void {
    this.#items.push(...items);
  }
  /** A web area says what work it can count for which roles; the staff home asks them all. */
  addTasks(roles: readonly Role[], load: TaskSource['load']): void {
    this.#tasks.push({ roles, load });
  }
  /** The actor's waiting work, or null when no area counts work for their role. */
  async tasksFor(actor: Actor): Promise<HomeTask[] | null> {
    const sources = this.#tasks.filter((t) => actor.role !== 'system' && t.roles.includes(actor.role));
    if (sources.length === 0) return null;
    return (await Promise.all(sources.map((t) => t.load(actor)))).flat();
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
