# frozen_string_literal: true

module OscMigrations
  # Which migration (if any) the current thread is running, and whether osc
  # is suspended for it. Thread-local: Rails runs one migration per thread
  # at a time, and other threads' statements must never be diverted.
  module Context
    KEY = :osc_migrations_context

    def self.current
      Thread.current[KEY]
    end

    def self.with(migration, suspended:)
      saved = Thread.current[KEY]
      Thread.current[KEY] = { migration: migration, suspended: suspended }
      yield
    ensure
      Thread.current[KEY] = saved
    end
  end

  # Prepended to ActiveRecord::Migration: marks the span of a migration and
  # gives it the opt-outs.
  module MigrationHook
    def self.prepended(base)
      base.singleton_class.prepend(ClassMethods)
    end

    module ClassMethods
      # Declares that this migration's ALTERs go to the server directly.
      def osc_disabled!
        @osc_disabled = true
      end

      def osc_disabled?
        return true if @osc_disabled
        return superclass.osc_disabled? if superclass.respond_to?(:osc_disabled?)

        false
      end
    end

    def exec_migration(conn, direction)
      Context.with(self, suspended: self.class.osc_disabled?) { super }
    end

    # Runs the block with osc off: its ALTERs go to the server directly.
    def without_osc(&block)
      Context.with(self, suspended: true, &block)
    end
  end

  # Prepended to the Mysql2 adapter: the one place every schema statement
  # passes through (add_column, add_index, remove_index, change_table with
  # bulk: true, and raw `execute`).
  module AdapterHook
    def execute(sql, name = nil, *rest, **kwargs)
      statement = OscMigrations.statement_for(self, sql)
      return super if statement.nil?

      run_with_osc(sql, name, statement)
    end

    private

    def run_with_osc(sql, name, statement)
      migration = Context.current[:migration]
      runner = OscMigrations.runner
      argv = runner.command(@config, statement)
      # log() gives the statement the usual SQL log line and notification.
      log(sql, name) do
        migration.say("osc: #{runner.printable(argv)}")
        runner.run(argv, runner.environment(@config)) { |line| OscMigrations.emit(migration, line) }
      end
      # The table changed behind this connection's back.
      schema_cache.clear_data_source_cache!(statement.table)
      nil
    end
  end
end
