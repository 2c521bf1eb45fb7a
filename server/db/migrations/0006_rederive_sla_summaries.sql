-- Queue badges are now kept only for tickets that still owe work, and carry the milestone's name.
-- Stopped tickets lose their stored badge; open ones are re-derived by the next sweep.
UPDATE tickets SET sla_milestone = NULL, sla_milestone_name = NULL, sla_due_at = NULL, sla_amber_at = NULL, sla_state = NULL
WHERE status IN ('resolved', 'closed', 'cancelled');
--> statement-breakpoint
UPDATE tickets SET next_due_at = now() WHERE status IN ('new', 'assigned', 'in_progress', 'pending_customer');
