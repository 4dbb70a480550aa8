# frozen_string_literal: true

# Unit tests for OscMigrations::Statement and Runner#command: no server.
#   ruby tests/integrations/rails_statement_test.rb
require "minitest/autorun"
require_relative "../../integrations/rails/lib/osc_migrations"

class StatementTest < Minitest::Test
  S = OscMigrations::Statement

  def test_alter_table_keeps_clauses_and_unquotes_table
    s = S.parse("ALTER TABLE `my``t` ADD `c` int, ADD INDEX `i` (`c`)")
    assert_equal ["my`t", "ADD `c` int, ADD INDEX `i` (`c`)"], [s.table, s.alter]
    assert_nil s.database
  end

  def test_alter_table_with_database_qualifier
    s = S.parse("alter table shop.orders drop column legacy;")
    assert_equal %w[shop orders], [s.database, s.table]
    assert_equal "drop column legacy", s.alter
  end

  def test_algorithm_and_lock_items_are_dropped
    s = S.parse("ALTER TABLE `t` ADD `c` int, ALGORITHM = INPLACE, LOCK=NONE")
    assert_equal "ADD `c` int", s.alter
  end

  def test_create_index_becomes_add_index
    s = S.parse("CREATE UNIQUE INDEX `ix` USING btree ON `t` (`a`, `b`(10)) COMMENT 'x' ALGORITHM = INPLACE")
    assert_equal "t", s.table
    assert_equal "ADD UNIQUE INDEX `ix` USING btree (`a`, `b`(10)) COMMENT 'x'", s.alter
  end

  def test_create_fulltext_index_keeps_its_kind
    assert_equal "ADD FULLTEXT INDEX `f` (`body`)", S.parse("CREATE FULLTEXT INDEX `f` ON `posts` (`body`)").alter
  end

  def test_drop_index_becomes_alter_drop_index
    s = S.parse("DROP INDEX `index_t_on_c` ON `db`.`t`")
    assert_equal ["db", "t", "DROP INDEX `index_t_on_c`"], [s.database, s.table, s.alter]
  end

  def test_statements_osc_does_not_run_parse_to_nil
    ["CREATE TABLE `t` (id int)", "DROP TABLE `t`", "RENAME TABLE a TO b",
     "ALTER TABLE `t` RENAME TO `u`", "ALTER TABLE t RENAME AS u", "ALTER ONLINE TABLE t ADD c int",
     "INSERT INTO t VALUES (1)", "ALTER TABLE `t` ALGORITHM=INPLACE", "SELECT 'ALTER TABLE t ADD c int'"].each do |sql|
      assert_nil S.parse(sql), sql
    end
  end

  def test_rename_column_is_still_an_alter
    assert_equal "RENAME COLUMN a TO b", S.parse("ALTER TABLE t RENAME COLUMN a TO b").alter
  end
end

class RunnerCommandTest < Minitest::Test
  def setup
    @config = OscMigrations::Configuration.new({})
    @config.osc_path = "/opt/osc"
    @config.extra_args = ["--max-lag-millis", 1500]
    @statement = OscMigrations::Statement.new(table: "t", alter: "ADD c int")
  end

  def test_command_has_connection_table_alter_and_extra_flags_but_no_password
    runner = OscMigrations::Runner.new(@config)
    argv = runner.command({ host: "db1", port: 3307, username: "app", password: "s3cret", database: "shop" }, @statement)
    assert_equal ["/opt/osc", "--host", "db1", "--port", "3307", "--user", "app", "--database", "shop",
                  "--table", "t", "--alter", "ADD c int", "--execute", "--max-lag-millis", "1500"], argv
    refute(argv.any? { |a| a.include?("s3cret") })
    assert_equal({ "OSC_PASSWORD" => "s3cret" }, runner.environment({ "password" => "s3cret" }))
  end

  def test_socket_replaces_host_and_port_for_local_connections
    argv = OscMigrations::Runner.new(@config).command({ socket: "/run/m.sock", host: "localhost", port: 3306,
                                                       database: "d" }, @statement)
    assert_equal ["--socket", "/run/m.sock"], argv[1, 2]
    refute_includes argv, "--port"
  end

  def test_empty_password_unsets_the_variable
    assert_equal({ "OSC_PASSWORD" => nil }, OscMigrations::Runner.new(@config).environment({ password: "" }))
  end

  def test_osc_disable_environment_wins_over_config
    assert OscMigrations::Configuration.new({}).enabled?
    refute OscMigrations::Configuration.new({ "OSC_DISABLE" => "1" }).enabled?
  end

  def test_failed_run_raises_with_exit_status_and_output
    runner = OscMigrations::Runner.new(@config)
    lines = []
    error = assert_raises(OscMigrations::Error) do
      runner.run(["/bin/sh", "-c", "echo working; echo broken >&2; exit 3"], {}) { |l| lines << l }
    end
    assert_equal 3, error.exit_status
    assert_includes error.message, "broken"
    assert_equal %w[working broken], lines
  end
end
