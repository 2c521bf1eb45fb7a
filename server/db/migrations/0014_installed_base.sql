CREATE TABLE "contract_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contract_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"uploaded_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contract_coverage" (
	"contract_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target_id" uuid NOT NULL,
	CONSTRAINT "contract_coverage_contract_id_kind_target_id_pk" PRIMARY KEY("contract_id","kind","target_id"),
	CONSTRAINT "contract_coverage_kind_check" CHECK ("contract_coverage"."kind" in ('device','site','product'))
);
--> statement-breakpoint
CREATE TABLE "contract_reminders" (
	"contract_id" uuid NOT NULL,
	"ends_on" date NOT NULL,
	"days_before" integer NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contract_reminders_contract_id_ends_on_days_before_pk" PRIMARY KEY("contract_id","ends_on","days_before")
);
--> statement-breakpoint
CREATE TABLE "contracts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"title" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"terminated_on" date,
	"scope" text DEFAULT 'customer' NOT NULL,
	"sla_policy_id" uuid,
	"onsite_calendar_id" uuid,
	"phone_calendar_id" uuid,
	"included_visits" integer,
	"inspection_frequency" text DEFAULT 'none' NOT NULL,
	"resident_engineer_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"account_manager_id" uuid,
	"price_cents" bigint,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"notes" text,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contracts_status_check" CHECK ("contracts"."status" in ('draft','active','terminated')),
	CONSTRAINT "contracts_scope_check" CHECK ("contracts"."scope" in ('customer','listed')),
	CONSTRAINT "contracts_period_check" CHECK ("contracts"."starts_on" <= "contracts"."ends_on"),
	CONSTRAINT "contracts_inspection_check" CHECK ("contracts"."inspection_frequency" in ('none','monthly','quarterly','half_yearly','yearly')),
	CONSTRAINT "contracts_price_check" CHECK ("contracts"."price_cents" is null or "contracts"."price_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "desk_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "device_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"device_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "device_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"filename" text NOT NULL,
	"status" text DEFAULT 'previewed' NOT NULL,
	"total_rows" integer NOT NULL,
	"rows" jsonb NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"inserted" integer DEFAULT 0 NOT NULL,
	"failure" text,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"product_id" uuid NOT NULL,
	"serial" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"site_id" uuid,
	"location" text,
	"installed_on" date,
	"warranty_ends_on" date,
	"software_version" text,
	"firmware_version" text,
	"status" text DEFAULT 'in_service' NOT NULL,
	"asset_tag" text,
	"ip" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"replaced_by_id" uuid,
	"replaces_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "devices_status_check" CHECK ("devices"."status" in ('in_service','under_repair','replaced','retired'))
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model" text NOT NULL,
	"name" text NOT NULL,
	"maker" text,
	"category" text NOT NULL,
	"versions" text[] DEFAULT '{}'::text[] NOT NULL,
	"warranty_months" integer DEFAULT 12 NOT NULL,
	"sla_policy_id" uuid,
	"spare_parts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"end_of_supply_on" date,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_category_check" CHECK ("products"."category" in ('hardware','software','service')),
	CONSTRAINT "products_warranty_check" CHECK ("products"."warranty_months" between 0 and 240)
);
--> statement-breakpoint
CREATE TABLE "replacement_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"device_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"counted_ticket_ids" uuid[] NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by_id" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"new_device_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "replacement_proposals_status_check" CHECK ("replacement_proposals"."status" in ('pending','approved','rejected'))
);
--> statement-breakpoint
CREATE TABLE "ticket_devices" (
	"ticket_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_devices_ticket_id_device_id_pk" PRIMARY KEY("ticket_id","device_id")
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "contract_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "entitlement" jsonb;--> statement-breakpoint
ALTER TABLE "contract_attachments" ADD CONSTRAINT "contract_attachments_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_attachments" ADD CONSTRAINT "contract_attachments_uploaded_by_id_users_id_fk" FOREIGN KEY ("uploaded_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_coverage" ADD CONSTRAINT "contract_coverage_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_reminders" ADD CONSTRAINT "contract_reminders_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_sla_policy_id_sla_policies_id_fk" FOREIGN KEY ("sla_policy_id") REFERENCES "public"."sla_policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_onsite_calendar_id_calendars_id_fk" FOREIGN KEY ("onsite_calendar_id") REFERENCES "public"."calendars"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_phone_calendar_id_calendars_id_fk" FOREIGN KEY ("phone_calendar_id") REFERENCES "public"."calendars"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_account_manager_id_users_id_fk" FOREIGN KEY ("account_manager_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "desk_settings" ADD CONSTRAINT "desk_settings_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_events" ADD CONSTRAINT "device_events_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_events" ADD CONSTRAINT "device_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_imports" ADD CONSTRAINT "device_imports_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_replaced_by_id_devices_id_fk" FOREIGN KEY ("replaced_by_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_replaces_id_devices_id_fk" FOREIGN KEY ("replaces_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_sla_policy_id_sla_policies_id_fk" FOREIGN KEY ("sla_policy_id") REFERENCES "public"."sla_policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replacement_proposals" ADD CONSTRAINT "replacement_proposals_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replacement_proposals" ADD CONSTRAINT "replacement_proposals_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replacement_proposals" ADD CONSTRAINT "replacement_proposals_decided_by_id_users_id_fk" FOREIGN KEY ("decided_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "replacement_proposals" ADD CONSTRAINT "replacement_proposals_new_device_id_devices_id_fk" FOREIGN KEY ("new_device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_devices" ADD CONSTRAINT "ticket_devices_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_devices" ADD CONSTRAINT "ticket_devices_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contract_attachments_contract_idx" ON "contract_attachments" USING btree ("contract_id");--> statement-breakpoint
CREATE INDEX "contract_coverage_target_idx" ON "contract_coverage" USING btree ("kind","target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "contracts_number_key" ON "contracts" USING btree (lower("number"));--> statement-breakpoint
CREATE INDEX "contracts_customer_idx" ON "contracts" USING btree ("customer_id","ends_on");--> statement-breakpoint
CREATE INDEX "contracts_ends_idx" ON "contracts" USING btree ("ends_on") WHERE "contracts"."status" = 'active';--> statement-breakpoint
CREATE INDEX "device_events_device_idx" ON "device_events" USING btree ("device_id","id");--> statement-breakpoint
CREATE INDEX "device_imports_created_idx" ON "device_imports" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_product_serial_key" ON "devices" USING btree ("product_id",lower("serial"));--> statement-breakpoint
CREATE INDEX "devices_serial_prefix_idx" ON "devices" USING btree (lower("serial") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "devices_asset_tag_prefix_idx" ON "devices" USING btree (lower("asset_tag") text_pattern_ops) WHERE "devices"."asset_tag" is not null;--> statement-breakpoint
CREATE INDEX "devices_customer_idx" ON "devices" USING btree ("customer_id","id");--> statement-breakpoint
CREATE INDEX "devices_product_idx" ON "devices" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "devices_site_idx" ON "devices" USING btree ("site_id") WHERE "devices"."site_id" is not null;--> statement-breakpoint
CREATE INDEX "devices_warranty_idx" ON "devices" USING btree ("warranty_ends_on");--> statement-breakpoint
CREATE UNIQUE INDEX "products_model_key" ON "products" USING btree (lower(coalesce("maker", '')),lower("model"));--> statement-breakpoint
CREATE UNIQUE INDEX "replacement_proposals_trigger_key" ON "replacement_proposals" USING btree ("device_id","ticket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "replacement_proposals_pending_key" ON "replacement_proposals" USING btree ("device_id") WHERE "replacement_proposals"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "replacement_proposals_status_idx" ON "replacement_proposals" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "ticket_devices_device_idx" ON "ticket_devices" USING btree ("device_id");--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;