CREATE TABLE "mail_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"mailbox_id" uuid,
	"direction" text NOT NULL,
	"message_id" text NOT NULL,
	"message_id_synthetic" boolean DEFAULT false NOT NULL,
	"in_reply_to" text,
	"references" text[] DEFAULT '{}'::text[] NOT NULL,
	"ticket_id" uuid,
	"event_id" integer,
	"contact_id" uuid,
	"from_address" text,
	"from_name" text,
	"to_addresses" text[] DEFAULT '{}'::text[] NOT NULL,
	"cc_addresses" text[] DEFAULT '{}'::text[] NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"classification_kind" text DEFAULT 'normal' NOT NULL,
	"classification_reason" text,
	"outcome" text NOT NULL,
	"outcome_detail" text,
	"body_hash" text,
	"raw_attachment_id" uuid,
	"size" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_messages_direction_check" CHECK ("mail_messages"."direction" in ('in','out'))
);
--> statement-breakpoint
CREATE TABLE "mail_quarantine" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mailbox_id" uuid,
	"uid" integer,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"raw_path" text NOT NULL,
	"size" integer NOT NULL,
	"subject" text,
	"from_address" text,
	"state" text DEFAULT 'held' NOT NULL,
	"ticket_id" uuid,
	"resolved_by_id" uuid,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_quarantine_state_check" CHECK ("mail_quarantine"."state" in ('held','retried','converted','dismissed'))
);
--> statement-breakpoint
CREATE TABLE "mailboxes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"imap_host" text NOT NULL,
	"imap_port" integer NOT NULL,
	"imap_security" text NOT NULL,
	"imap_user" text NOT NULL,
	"password_enc" text,
	"folder" text DEFAULT 'INBOX' NOT NULL,
	"processed_action" text DEFAULT 'seen' NOT NULL,
	"processed_folder" text,
	"poll_interval_seconds" integer DEFAULT 60 NOT NULL,
	"use_idle" boolean DEFAULT true NOT NULL,
	"center_id" uuid,
	"default_severity" text DEFAULT 'P3' NOT NULL,
	"default_type" text DEFAULT 'fault' NOT NULL,
	"default_category" text DEFAULT 'other' NOT NULL,
	"unknown_sender_rule" text DEFAULT 'unassigned' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"uid_validity" text,
	"last_uid" integer DEFAULT 0 NOT NULL,
	"last_polled_at" timestamp with time zone,
	"last_error_key" text,
	"last_error_detail" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mailboxes_poll_interval_check" CHECK ("mailboxes"."poll_interval_seconds" >= 30),
	CONSTRAINT "mailboxes_security_check" CHECK ("mailboxes"."imap_security" in ('tls','starttls')),
	CONSTRAINT "mailboxes_processed_check" CHECK ("mailboxes"."processed_action" in ('seen','move')),
	CONSTRAINT "mailboxes_unknown_rule_check" CHECK ("mailboxes"."unknown_sender_rule" in ('domain_contact','unassigned','reject'))
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "email_failing_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "email_failing_reason" text;--> statement-breakpoint
ALTER TABLE "mail_messages" ADD CONSTRAINT "mail_messages_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_messages" ADD CONSTRAINT "mail_messages_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_messages" ADD CONSTRAINT "mail_messages_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_quarantine" ADD CONSTRAINT "mail_quarantine_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_quarantine" ADD CONSTRAINT "mail_quarantine_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_quarantine" ADD CONSTRAINT "mail_quarantine_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD CONSTRAINT "mailboxes_center_id_service_centers_id_fk" FOREIGN KEY ("center_id") REFERENCES "public"."service_centers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mail_messages_message_id_key" ON "mail_messages" USING btree ("message_id","direction");--> statement-breakpoint
CREATE INDEX "mail_messages_ticket_idx" ON "mail_messages" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "mail_messages_from_idx" ON "mail_messages" USING btree ("from_address","created_at");--> statement-breakpoint
CREATE INDEX "mail_quarantine_state_idx" ON "mail_quarantine" USING btree ("state","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mailboxes_address_key" ON "mailboxes" USING btree (lower("address"));--> statement-breakpoint
CREATE INDEX "contacts_email_idx" ON "contacts" USING btree (lower(btrim("email"))) WHERE "contacts"."email" is not null;