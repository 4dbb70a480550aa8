# frozen_string_literal: true

require "shellwords"

module OscMigrations
  # Process-wide settings. Set them once at boot (an initializer), before
  # migrations run; they are read, not locked, while a migration runs.
  class Configuration
    # Path of the osc binary; a bare name is looked up in PATH.
    # Default: $OSC_PATH, else "osc".
    attr_accessor :osc_path
    # Extra osc flags appended to every run, e.g.
    # ["--max-lag-millis", "1500", "--ok-to-drop-table"]. Default: the
    # words of $OSC_EXTRA_ARGS (split like a shell would, never run by one).
    attr_accessor :extra_args
    # Global switch. Default: off when $OSC_DISABLE is 1/true/yes.
    attr_writer :enabled
    # Where osc's output goes when no migration is there to print it (a
    # #call(line) object). Default: $stdout.
    attr_accessor :output

    def initialize(env = ENV)
      @env = env
      @osc_path = env.fetch("OSC_PATH", "osc")
      @extra_args = Shellwords.split(env.fetch("OSC_EXTRA_ARGS", ""))
      @enabled = true
      @output = ->(line) { $stdout.puts(line); $stdout.flush }
    end

    # OSC_DISABLE wins over the config so an operator can turn osc off for
    # one deploy without a code change.
    def enabled?
      return false if %w[1 true yes].include?(@env.fetch("OSC_DISABLE", "").strip.downcase)

      @enabled
    end
  end
end
