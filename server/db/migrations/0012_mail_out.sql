CREATE TABLE "customer_mails" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" bigint NOT NULL,
	"ticket_id" uuid,
	"kind" text NOT NULL,
	"recipient" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"detail" text,
	"outbox_id" bigint,
	"message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_mails_status_check" CHECK ("customer_mails"."status" in ('queued','skipped'))
);
--> statement-breakpoint
CREATE TABLE "mail_senders" (
	"mailbox_id" uuid PRIMARY KEY NOT NULL,
	"from_address" text NOT NULL,
	"from_name" text DEFAULT '' NOT NULL,
	"smtp_host" text NOT NULL,
	"smtp_port" integer NOT NULL,
	"smtp_security" text NOT NULL,
	"smtp_user" text,
	"password_enc" text,
	"language" text DEFAULT 'zh-CN' NOT NULL,
	"updated_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_senders_security_check" CHECK ("mail_senders"."smtp_security" in ('tls','starttls','none')),
	CONSTRAINT "mail_senders_port_check" CHECK ("mail_senders"."smtp_port" between 1 and 65535),
	CONSTRAINT "mail_senders_language_check" CHECK ("mail_senders"."language" in ('zh-CN','en'))
);
--> statement-breakpoint
CREATE TABLE "mail_templates" (
	"event" text NOT NULL,
	"language" text NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"html" text NOT NULL,
	"updated_by_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_templates_event_language_pk" PRIMARY KEY("event","language"),
	CONSTRAINT "mail_templates_event_check" CHECK ("mail_templates"."event" in ('ack','comment','assigned','pending_customer','resolved')),
	CONSTRAINT "mail_templates_language_check" CHECK ("mail_templates"."language" in ('zh-CN','en'))
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "cc" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "html" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "mailbox_id" uuid;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "headers" jsonb;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "attachment_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_mails" ADD CONSTRAINT "customer_mails_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_senders" ADD CONSTRAINT "mail_senders_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_senders" ADD CONSTRAINT "mail_senders_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_templates" ADD CONSTRAINT "mail_templates_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "customer_mails_event_recipient_key" ON "customer_mails" USING btree ("event_id","recipient");--> statement-breakpoint
CREATE INDEX "customer_mails_ticket_idx" ON "customer_mails" USING btree ("ticket_id","id");--> statement-breakpoint
CREATE INDEX "customer_mails_cap_idx" ON "customer_mails" USING btree ("recipient","kind","created_at");