# frozen_string_literal: true

# Runs the ALTER TABLE statements of Rails migrations (MySQL/MariaDB through
# the mysql2 adapter) with osc, the online schema-change tool, instead of
# the server's blocking ALTER.
#
#   # config/initializers/osc.rb
#   require "/path/to/osc/integrations/rails/lib/osc_migrations"
#   OscMigrations.configure do |c|
#     c.osc_path = "/usr/local/bin/osc"
#     c.extra_args = ["--max-lag-millis", "1500"]
#   end
#
# What goes to osc: ALTER TABLE, CREATE INDEX and DROP INDEX (rewritten as
# ALTER TABLE ADD/DROP INDEX) on a table that exists, issued while a
# migration runs, outside any open transaction. Everything else (CREATE
# TABLE, DROP TABLE, RENAME TABLE, data changes, schema statements outside
# migrations) goes to the server as usual. A bulk change_table is one ALTER
# and so one osc run; separate add_column/add_index calls are one run each.
#
# Off switches: ENV["OSC_DISABLE"]=1, `c.enabled = false`, a migration's
# class-level `osc_disabled!`, or `without_osc { ... }` inside a migration.
#
# A failed osc run raises OscMigrations::Error: the migration stops and its
# version is not recorded. osc keeps the original table until its cut-over,
# so a failure before it leaves the table as it was.
require "active_record"
require_relative "osc_migrations/configuration"
require_relative "osc_migrations/statement"
require_relative "osc_migrations/runner"
require_relative "osc_migrations/hooks"

module OscMigrations
  class << self
    def config
      @config ||= Configuration.new
    end

    def configure
      yield config
    end

    def runner
      Runner.new(config)
    end

    # Installs the hooks (idempotent). Called when Active Record loads.
    def install!
      return if @installed

      require "active_record/connection_adapters/mysql2_adapter"
      ActiveRecord::Migration.prepend(MigrationHook)
      ActiveRecord::ConnectionAdapters::Mysql2Adapter.prepend(AdapterHook)
      @installed = true
    end

    # The Statement osc should run for +sql+ on +connection+, or nil when
    # the server should run it.
    def statement_for(connection, sql)
      context = Context.current
      return nil if context.nil? || context[:suspended] || !config.enabled?

      statement = Statement.parse(sql)
      return nil if statement.nil?

      if connection.transaction_open?
        # osc works from other sessions; it cannot see, nor be part of, this
        # session's open transaction.
        context[:migration].say("osc: skipped (inside a transaction), the server runs: #{sql}")
        return nil
      end
      table_exists?(connection, statement) ? statement : nil
    end

    # One line of osc output, into the migration's output (shown when the
    # migration is verbose, as its own messages are).
    def emit(migration, line)
      if migration.respond_to?(:write) && migration.verbose
        migration.write("   osc| #{line}")
        $stdout.flush
      else
        config.output&.call(line)
      end
    end

    private

    def table_exists?(connection, statement)
      return connection.data_source_exists?(statement.table) if statement.database.nil?

      connection.select_value(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " \
        "#{connection.quote(statement.database)} AND TABLE_NAME = #{connection.quote(statement.table)}", "SCHEMA"
      ).to_i.positive?
    end
  end
end

ActiveSupport.on_load(:active_record) { OscMigrations.install! }
