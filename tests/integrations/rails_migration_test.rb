# frozen_string_literal: true

# Live test: Rails 6.1 migrations (ActiveRecord::MigrationContext, mysql2)
# against the sandbox primary, with osc_wrapper.sh as the osc binary.
# Needs OSC_TEST_PRIMARY_{HOST,PORT,USER,PASSWORD} (scripts/sandbox.sh env)
# and OSC_REAL (the osc binary); run through tests/integrations/run.sh.
require "minitest/autorun"
require "tmpdir"
require "stringio"
require "mysql2"
require_relative "../../integrations/rails/lib/osc_migrations"

class RailsMigrationTest < Minitest::Test
  WRAPPER = File.expand_path("osc_wrapper.sh", __dir__)

  def setup
    @password = ENV.fetch("OSC_TEST_PRIMARY_PASSWORD")
    @db = "osc_rails_#{name.sub(/\Atest_/, '')[0, 40]}"
    @admin = Mysql2::Client.new(host: ENV.fetch("OSC_TEST_PRIMARY_HOST"), port: Integer(ENV.fetch("OSC_TEST_PRIMARY_PORT")),
                                username: ENV.fetch("OSC_TEST_PRIMARY_USER"), password: @password)
    @admin.query("DROP DATABASE IF EXISTS `#{@db}`")
    @admin.query("CREATE DATABASE `#{@db}`")
    ActiveRecord::Base.establish_connection(adapter: "mysql2", host: ENV.fetch("OSC_TEST_PRIMARY_HOST"),
                                            port: Integer(ENV.fetch("OSC_TEST_PRIMARY_PORT")),
                                            username: ENV.fetch("OSC_TEST_PRIMARY_USER"), password: @password,
                                            database: @db)
    @logs = Dir.mktmpdir("osc-wrapper")
    @migrations = Dir.mktmpdir("osc-migrations")
    ENV["OSC_WRAPPER_LOG_DIR"] = @logs
    ENV.delete("OSC_DISABLE")
    OscMigrations.config.osc_path = WRAPPER
    OscMigrations.config.extra_args = []
    ActiveRecord::Migration.verbose = true
  end

  def teardown
    ActiveRecord::Base.remove_connection
    @admin.query("DROP DATABASE IF EXISTS `#{@db}`")
    @admin.close
    FileUtils.rm_rf([@logs, @migrations])
  end

  def test_bulk_change_table_adds_column_and_index_through_osc
    migration(1, "CreateWidgets", <<~RUBY)
      create_table(:widgets) { |t| t.string :name }
      execute "INSERT INTO widgets (name) VALUES ('a'), ('b'), ('c')"
    RUBY
    migration(2, "AddQtyToWidgets", <<~RUBY)
      change_table(:widgets, bulk: true) { |t| t.integer :qty; t.index :qty }
    RUBY
    output = migrate

    runs = osc_runs
    assert_equal 1, runs.size, "only the ALTER goes to osc, not CREATE TABLE or INSERT"
    argv, env = runs.first
    assert_equal "ADD `qty` int, ADD INDEX `index_widgets_on_qty` (`qty`)", flag(argv, "--alter")
    assert_equal %w[widgets], [flag(argv, "--table")]
    assert_equal @db, flag(argv, "--database")
    refute(argv.any? { |a| a.include?(@password) }, "password must not be in argv: #{argv.inspect}")
    assert_equal @password, env
    assert_match(/osc\| osc: done/, output)
    assert_match(/osc\| .*cut-over: .*is now the new table/, output)
    assert_includes tables, "_widgets_osc_old", "osc's cut-over leaves the original as _widgets_osc_old"
    assert_includes columns("widgets"), "qty"
    assert_includes indexes("widgets"), "index_widgets_on_qty"
    assert_equal 3, @admin.query("SELECT COUNT(*) AS n FROM `#{@db}`.widgets").first["n"]
    assert_equal %w[1 2], versions
  end

  def test_add_index_and_remove_index_are_rewritten_to_alter_table
    OscMigrations.config.extra_args = ["--chunk-size", "500"]
    migration(1, "CreateGadgets", "create_table(:gadgets) { |t| t.string :name }")
    migration(2, "IndexGadgets", "add_index :gadgets, :name")
    migration(3, "UnindexGadgets", "remove_index :gadgets, :name")
    migrate(2)
    assert_includes indexes("gadgets"), "index_gadgets_on_name"
    # osc keeps the original as _gadgets_osc_old and will not overwrite it.
    @admin.query("DROP TABLE `#{@db}`._gadgets_osc_old")
    migrate

    alters = osc_runs.map { |argv, _| flag(argv, "--alter") }.sort
    assert_equal ["ADD INDEX `index_gadgets_on_name` (`name`)", "DROP INDEX `index_gadgets_on_name`"], alters
    assert(osc_runs.all? { |argv, _| flag(argv, "--chunk-size") == "500" }, "extra flags are passed")
    refute_includes indexes("gadgets"), "index_gadgets_on_name"
    assert_includes tables, "_gadgets_osc_old"
    assert_equal %w[1 2 3], versions
  end

  def test_failing_alter_fails_the_migration_and_records_no_version
    migration(1, "CreateThings", "create_table(:things) { |t| t.string :name }")
    migration(2, "BreakThings", "add_column :things, :broken, :no_such_type")
    error = assert_raises(StandardError) { migrate }
    assert_match(/osc failed \(exit \d+\)/, error.message)
    assert_equal 1, osc_runs.size, "the invalid ALTER went to osc"
    assert_equal %w[1], versions
    refute_includes columns("things"), "broken"
  end

  def test_class_level_opt_out_sends_alter_to_the_server
    migration(1, "CreateA", "create_table(:a_rows) { |t| t.string :name }")
    migration(2, "AlterA", "add_column :a_rows, :n, :integer", prelude: "osc_disabled!")
    output = migrate
    assert_empty osc_runs
    refute_match(/osc\|/, output)
    assert_includes columns("a_rows"), "n"
    assert_equal %w[1 2], versions
  end

  def test_without_osc_block_and_global_switch_send_alters_to_the_server
    migration(1, "CreateB", "create_table(:b_rows) { |t| t.string :name }")
    migration(2, "AlterB", "without_osc { add_column :b_rows, :n, :integer }")
    migrate
    ENV["OSC_DISABLE"] = "1"
    migration(3, "AlterBAgain", "add_column :b_rows, :m, :integer")
    migrate
    assert_empty osc_runs
    assert_includes columns("b_rows"), "m"
    assert_equal %w[1 2 3], versions
  ensure
    ENV.delete("OSC_DISABLE")
  end

  private

  def migration(version, class_name, body, prelude: "")
    File.write(File.join(@migrations, "#{version}_#{class_name.gsub(/(?<!^)([A-Z])/, '_\1').downcase}.rb"), <<~RUBY)
      class #{class_name} < ActiveRecord::Migration[6.1]
        #{prelude}
        def change
          #{body}
        end
      end
    RUBY
  end

  # Runs pending migrations; returns what they printed.
  def migrate(target = nil)
    out, = capture_io do
      ActiveRecord::MigrationContext.new(@migrations, ActiveRecord::SchemaMigration).migrate(target)
    end
    out
  end

  # [[argv, OSC_PASSWORD], ...] for every osc run the wrapper saw.
  def osc_runs
    Dir[File.join(@logs, "run-*.argv")].map do |path|
      [File.binread(path).split("\0"), File.read(path.sub(/\.argv\z/, ".env"))]
    end
  end

  def flag(argv, name)
    argv[argv.index(name) + 1]
  end

  def tables
    @admin.query("SHOW TABLES FROM `#{@db}`").map { |r| r.values.first }
  end

  def columns(table)
    @admin.query("SHOW COLUMNS FROM `#{@db}`.`#{table}`").map { |r| r["Field"] }
  end

  def indexes(table)
    @admin.query("SHOW INDEX FROM `#{@db}`.`#{table}`").map { |r| r["Key_name"] }
  end

  def versions
    @admin.query("SELECT version FROM `#{@db}`.schema_migrations ORDER BY version").map { |r| r["version"] }
  end
end
