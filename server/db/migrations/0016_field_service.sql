CREATE TABLE "on_call_shifts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"center_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"note" text,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "on_call_shifts_period_check" CHECK ("on_call_shifts"."ends_at" > "on_call_shifts"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "service_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"visit_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"previous_id" uuid,
	"status" text DEFAULT 'draft' NOT NULL,
	"findings" text DEFAULT '' NOT NULL,
	"work_done" text DEFAULT '' NOT NULL,
	"parts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"time_spent_minutes" integer,
	"result" text,
	"photo_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"signer_name" text,
	"signed_at" timestamp with time zone,
	"signature_id" uuid,
	"refusal_reason" text,
	"content_hash" text,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"frozen_by_id" uuid,
	CONSTRAINT "service_records_status_check" CHECK ("service_records"."status" in ('draft','signed','refused')),
	CONSTRAINT "service_records_result_check" CHECK ("service_records"."result" in ('restored','another_visit','needs_parts')),
	CONSTRAINT "service_records_time_check" CHECK ("service_records"."time_spent_minutes" between 0 and 100000)
);
--> statement-breakpoint
CREATE TABLE "ticket_engineers" (
	"ticket_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"note" text,
	"invited_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_engineers_ticket_id_user_id_pk" PRIMARY KEY("ticket_id","user_id"),
	CONSTRAINT "ticket_engineers_role_check" CHECK ("ticket_engineers"."role" in ('helper','expert'))
);
--> statement-breakpoint
CREATE TABLE "visit_devices" (
	"visit_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	CONSTRAINT "visit_devices_visit_id_device_id_pk" PRIMARY KEY("visit_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "visit_engineers" (
	"visit_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"lead" boolean DEFAULT false NOT NULL,
	CONSTRAINT "visit_engineers_visit_id_user_id_pk" PRIMARY KEY("visit_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "visits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"site_id" uuid,
	"status" text DEFAULT 'planned' NOT NULL,
	"planned_start" timestamp with time zone NOT NULL,
	"planned_end" timestamp with time zone NOT NULL,
	"departed_at" timestamp with time zone,
	"arrived_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"result" text,
	"notes" text,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "visits_status_check" CHECK ("visits"."status" in ('planned','departed','on_site','finished','cancelled')),
	CONSTRAINT "visits_result_check" CHECK ("visits"."result" in ('restored','another_visit','needs_parts')),
	CONSTRAINT "visits_window_check" CHECK ("visits"."planned_end" > "visits"."planned_start")
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "required_skills" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "skills" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "on_call_shifts" ADD CONSTRAINT "on_call_shifts_center_id_service_centers_id_fk" FOREIGN KEY ("center_id") REFERENCES "public"."service_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "on_call_shifts" ADD CONSTRAINT "on_call_shifts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "on_call_shifts" ADD CONSTRAINT "on_call_shifts_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_records" ADD CONSTRAINT "service_records_visit_id_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visits"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_records" ADD CONSTRAINT "service_records_previous_id_service_records_id_fk" FOREIGN KEY ("previous_id") REFERENCES "public"."service_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_records" ADD CONSTRAINT "service_records_signature_id_attachments_id_fk" FOREIGN KEY ("signature_id") REFERENCES "public"."attachments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_records" ADD CONSTRAINT "service_records_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_records" ADD CONSTRAINT "service_records_frozen_by_id_users_id_fk" FOREIGN KEY ("frozen_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_engineers" ADD CONSTRAINT "ticket_engineers_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_engineers" ADD CONSTRAINT "ticket_engineers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_engineers" ADD CONSTRAINT "ticket_engineers_invited_by_id_users_id_fk" FOREIGN KEY ("invited_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_devices" ADD CONSTRAINT "visit_devices_visit_id_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visits"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_devices" ADD CONSTRAINT "visit_devices_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_engineers" ADD CONSTRAINT "visit_engineers_visit_id_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visits"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_engineers" ADD CONSTRAINT "visit_engineers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "on_call_shifts_center_idx" ON "on_call_shifts" USING btree ("center_id","starts_at");--> statement-breakpoint
CREATE INDEX "on_call_shifts_user_idx" ON "on_call_shifts" USING btree ("user_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "service_records_visit_version_key" ON "service_records" USING btree ("visit_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "service_records_visit_draft_key" ON "service_records" USING btree ("visit_id") WHERE "service_records"."status" = 'draft';--> statement-breakpoint
CREATE INDEX "ticket_engineers_user_idx" ON "ticket_engineers" USING btree ("user_id","ticket_id");--> statement-breakpoint
CREATE INDEX "visit_devices_device_idx" ON "visit_devices" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "visit_engineers_user_idx" ON "visit_engineers" USING btree ("user_id","visit_id");--> statement-breakpoint
CREATE INDEX "visits_ticket_idx" ON "visits" USING btree ("ticket_id","planned_start");--> statement-breakpoint
CREATE INDEX "visits_open_planned_idx" ON "visits" USING btree ("planned_start") WHERE "visits"."status" in ('planned','departed','on_site');