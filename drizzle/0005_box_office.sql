CREATE TABLE "performance_messages" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "performance_messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"performance_id" integer NOT NULL,
	"kind" text NOT NULL,
	"audience" text,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"recipients" integer DEFAULT 0 NOT NULL,
	"created_by_user_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "performance_messages_kind_check" CHECK ("performance_messages"."kind" in ('message', 'cancellation', 'move'))
);
--> statement-breakpoint
ALTER TABLE "reservations" ALTER COLUMN "email" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD COLUMN "performance_message_id" integer;--> statement-breakpoint
ALTER TABLE "performances" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reservation_tokens" ADD COLUMN "generation" integer;--> statement-breakpoint
ALTER TABLE "reservation_tokens" ADD COLUMN "key_id" text;--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "performance_messages" ADD CONSTRAINT "performance_messages_performance_id_performances_id_fk" FOREIGN KEY ("performance_id") REFERENCES "public"."performances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "performance_messages" ADD CONSTRAINT "performance_messages_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "performance_messages_performance_idx" ON "performance_messages" USING btree ("performance_id","created_at");--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_performance_message_id_performance_messages_id_fk" FOREIGN KEY ("performance_message_id") REFERENCES "public"."performance_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mail_outbox_message_recipient_key" ON "mail_outbox" USING btree ("performance_message_id","recipient");--> statement-breakpoint
-- One-time fill of the new search text for rows written before it existed. The application
-- writes it from shared/src/search-key.ts from now on; translate() covers the accented
-- letters of Italian and its neighbours, which is what this theatre's guest names hold.
UPDATE "reservations" SET "search_text" =
  lower(translate("name", 'ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïÒÓÔÕÖòóôõöÙÚÛÜùúûüÇçÑñÝýÿ', 'AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOoooooUUUUuuuuCcNnYyy'))
  || ' ' || coalesce(lower(translate("email", 'ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïÒÓÔÕÖòóôõöÙÚÛÜùúûüÇçÑñÝýÿ', 'AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOoooooUUUUuuuuCcNnYyy')), '')
  || ' ' || coalesce(regexp_replace("phone", '[^0-9]', '', 'g'), '')
  || ' ' || coalesce(lower(replace("code", '-', '')), '');
