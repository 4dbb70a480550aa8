# frozen_string_literal: true

require "open3"
require "shellwords"

module OscMigrations
  # Raised when osc exits non-zero (or cannot be started). The message ends
  # with the last lines osc printed, so a failed deploy log says why.
  class Error < StandardError
    attr_reader :exit_status

    def initialize(message, exit_status: nil)
      super(message)
      @exit_status = exit_status
    end
  end

  # Builds osc's command line from a connection config and runs it.
  #
  # The password never appears in argv (where `ps` and /proc/<pid>/cmdline
  # show it to every local user): it travels in OSC_PASSWORD in the child's
  # environment only. The argv is an array handed to exec directly, never a
  # shell string, so table names and ALTER clauses are never re-parsed.
  #
  # Stateless apart from its Configuration; one instance may serve any
  # number of runs, one at a time per calling thread.
  class Runner
    KEPT_LINES = 20

    def initialize(config)
      @config = config
    end

    # +db_config+: the adapter's config hash (:host, :port, :socket,
    # :username, :database, :sslca, :sslcert, :sslkey, :ssl_mode).
    # Returns the argv array, program first.
    def command(db_config, statement)
      c = db_config.transform_keys(&:to_sym)
      argv = [@config.osc_path]
      argv.concat(endpoint_args(c))
      argv.push("--user", c[:username].to_s) if c[:username]
      argv.concat(ssl_args(c))
      argv.push("--database", (statement.database || c[:database]).to_s,
                "--table", statement.table, "--alter", statement.alter, "--execute")
      argv.concat(@config.extra_args.map(&:to_s))
    end

    # The child's environment additions: only the password. An unset
    # password unsets OSC_PASSWORD, so a stale value in the parent's
    # environment cannot log osc in as someone else.
    def environment(db_config)
      password = db_config.transform_keys(&:to_sym)[:password]
      { "OSC_PASSWORD" => password.nil? || password.to_s.empty? ? nil : password.to_s }
    end

    # Runs osc, handing each output line (stdout and stderr merged, in the
    # order osc wrote them) to +on_line+ as it arrives. Returns on exit 0;
    # raises Error otherwise. No timeout: a big table takes hours.
    def run(argv, env, &on_line)
      tail = []
      status = spawn_and_stream(argv, env) do |line|
        tail.shift if tail.size >= KEPT_LINES
        tail << line
        on_line&.call(line)
      end
      return if status.success?

      raise Error.new("osc failed (#{describe(status)}) running: #{printable(argv)}\n#{tail.join("\n")}",
                      exit_status: status.exitstatus)
    end

    # The command as a user would type it, for messages. Holds no secret:
    # the password is never in argv.
    def printable(argv)
      Shellwords.join(argv)
    end

    private

    def endpoint_args(c)
      # osc, like the mysql client, treats --socket as replacing host/port;
      # a socket only applies to a local host.
      if c[:socket] && (c[:host].nil? || c[:host].to_s == "localhost")
        ["--socket", c[:socket].to_s]
      else
        args = []
        args.push("--host", c[:host].to_s) if c[:host]
        args.push("--port", c[:port].to_s) if c[:port]
        args
      end
    end

    def ssl_args(c)
      { sslca: "--ssl-ca", sslcert: "--ssl-cert", sslkey: "--ssl-key", ssl_mode: "--ssl-mode" }
        .select { |key, _| c[key] }
        .flat_map { |key, flag| [flag, c[key].to_s] }
    end

    def spawn_and_stream(argv, env)
      # [program, argv0] makes Ruby exec the program directly even when
      # argv has one element (a lone string would go through /bin/sh).
      Open3.popen2e(env, [argv.first, argv.first], *argv.drop(1)) do |stdin, out, wait|
        stdin.close
        out.each_line { |line| yield line.chomp }
        wait.value
      end
    rescue SystemCallError => e
      raise Error, "cannot start osc (#{argv.first}): #{e.message}"
    end

    def describe(status)
      status.exitstatus ? "exit #{status.exitstatus}" : "killed by signal #{status.termsig}"
    end
  end
end
