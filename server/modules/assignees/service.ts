/**
 * The assignee picker of a ticket: the active people a ticket can be assigned to (the roles the
 * assign route accepts), each with center, engineer level, skills and how many open tickets they
 * hold (one grouped count over tickets_assignee_status_idx), searched by name, username, full
 * pinyin or pinyin initials, people of the ticket's own center first, then the least loaded.
 *
 * Scope is the assign route's: the ticket must be visible (404), and staff who may not move the
 * ticket out of their hands (its center is outside their subtree: they see it only because it is
 * theirs) are offered only themselves — anyone else would be refused with 403 scope.*.
 */
import { and, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { AssigneeCandidate, AssigneeList, AssigneeQuery } from '../../../common/api/macros';
import type { Db } from '../../db/client';
import { containsPattern } from '../../db/text';
import { serviceCenters, tickets, users } from '../../db/schema';
import { OPEN_STATUSES } from '../../domain/ticket-lifecycle';
import { seesAllCenters, type Actor } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import { visibleTo } from '../tickets/repository';
import { ASSIGNABLE_ROLES } from '../tickets/service';
import { isPinyinQuery, normaliseQuery, pinyinMatches } from './pinyin';

/**
 * `probeLimit`: up to how many people the open tickets are counted through their index rows; above
 * it, one pass over the open tickets (tests lower it to cover both ways).
 */
export function createAssigneeService(deps: { db: Db; probeLimit?: number }) {
  const { db } = deps;
  const probeLimit = deps.probeLimit ?? 200;

  return {
    async list(actor: Actor, ticketId: string, query: AssigneeQuery): Promise<AssigneeList> {
      const [ticket] = await db
        .select({ centerId: tickets.centerId, assigneeId: tickets.assigneeId, centerPath: serviceCenters.path })
        .from(tickets)
        .leftJoin(serviceCenters, eq(serviceCenters.id, tickets.centerId))
        .where(and(eq(tickets.id, ticketId), visibleTo(actor)));
      if (!ticket) throw notFound('ticket.not_found', 'Ticket');
      const mayHandOn =
        seesAllCenters(actor) || ticket.centerId === null || Boolean(actor.centerPath && ticket.centerPath?.startsWith(actor.centerPath));

      const q = query.q?.trim() ?? '';
      const pinyin = q !== '' && isPinyinQuery(q);
      const conditions: (SQL | undefined)[] = [eq(users.active, true), inArray(users.role, [...ASSIGNABLE_ROLES])];
      if (!mayHandOn) conditions.push(eq(users.id, actor.id));
      // Chinese, digits, mixed text: the name or username contains it. Latin letters may be pinyin,
      // which SQL cannot match: those candidates are filtered below.
      if (q && !pinyin) conditions.push(or(ilike(users.name, containsPattern(q)), ilike(users.username, containsPattern(q))));
      const rows = await db
        .select({
          id: users.id,
          name: users.name,
          username: users.username,
          role: users.role,
          centerId: users.centerId,
          centerName: serviceCenters.name,
          centerPath: serviceCenters.path,
          engineerLevel: users.engineerLevel,
          skills: users.skills,
        })
        .from(users)
        .leftJoin(serviceCenters, eq(serviceCenters.id, users.centerId))
        .where(and(...conditions));
      const needle = normaliseQuery(q);
      const matched = pinyin
        ? rows.filter(
            (u) => u.name.toLowerCase().includes(q.toLowerCase()) || u.username.toLowerCase().includes(needle) || pinyinMatches(u.name, needle),
          )
        : rows;

      const counts = new Map<string, number>();
      if (matched.length) {
        // A few people: their rows of tickets_assignee_status_idx. Many (no search on a big desk):
        // one pass over the open tickets is cheaper than thousands of probes and bind parameters.
        const few = matched.length <= probeLimit;
        const grouped = await db
          .select({ assigneeId: tickets.assigneeId, n: sql<number>`count(*)::int` })
          .from(tickets)
          .where(
            and(
              few ? inArray(tickets.assigneeId, matched.map((u) => u.id)) : sql`${tickets.assigneeId} is not null`,
              inArray(tickets.status, [...OPEN_STATUSES]),
            ),
          )
          .groupBy(tickets.assigneeId);
        for (const g of grouped) if (g.assigneeId) counts.set(g.assigneeId, Number(g.n));
      }

      // Nearness to the ticket's center: the center itself, then its subtree, then its parents, then the rest.
      const nearness = (path: string | null, centerId: string | null) => {
        if (!ticket.centerId || !ticket.centerPath) return 0;
        if (centerId === ticket.centerId) return 0;
        if (path?.startsWith(ticket.centerPath)) return 1;
        if (path && ticket.centerPath.startsWith(path)) return 2;
        return 3;
      };
      const collator = new Intl.Collator('zh-CN');
      const items: (AssigneeCandidate & { near: number })[] = matched.map((u) => ({
        id: u.id,
        name: u.name,
        username: u.username,
        role: u.role,
        center: u.centerId ? { id: u.centerId, name: u.centerName ?? '' } : null,
        engineerLevel: u.engineerLevel,
        skills: u.skills,
        openTickets: counts.get(u.id) ?? 0,
        sameCenter: ticket.centerId !== null && u.centerId === ticket.centerId,
        current: u.id === ticket.assigneeId,
        near: nearness(u.centerPath, u.centerId),
      }));
      items.sort((a, b) => a.near - b.near || a.openTickets - b.openTickets || collator.compare(a.name, b.name));
      return { items: items.slice(0, query.limit).map(({ near: _near, ...c }) => c), total: items.length };
    },
  };
}

export type AssigneeService = ReturnType<typeof createAssigneeService>;
