ALTER TABLE "contacts" ADD COLUMN "language" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_language_check" CHECK ("contacts"."language" in ('zh-CN','en'));