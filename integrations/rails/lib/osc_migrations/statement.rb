# frozen_string_literal: true

module OscMigrations
  # Recognises the schema statements osc can run and turns each into osc's
  # terms: the table, its database (nil = the connection's) and the clauses
  # that follow ALTER TABLE <table>.
  #
  # Recognised (case-insensitive, identifiers bare or `quoted`):
  #   ALTER TABLE [db.]t <clauses>
  #   CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX i [USING m] ON [db.]t (...) ...
  #     -> ADD [UNIQUE|FULLTEXT|SPATIAL] INDEX i [USING m] (...) ...
  #   DROP INDEX i ON [db.]t                 -> DROP INDEX i
  # Everything else (CREATE/DROP/RENAME TABLE, ALTER ONLINE/IGNORE TABLE,
  # ALTER TABLE ... RENAME TO, DML) parses to nil and goes to the server.
  #
  # ALGORITHM= and LOCK= clauses are dropped: they choose how the *server*
  # runs an ALTER, and osc never lets the server run it on the live table.
  #
  # Pure functions: no connection, no state; safe from any thread.
  Statement = Struct.new(:database, :table, :alter, keyword_init: true)

  class Statement
    IDENT = /`(?:[^`]|``)+`|[A-Za-z0-9_$]+/.freeze
    QUALIFIED = /(?<first>#{IDENT})(?:\s*\.\s*(?<second>#{IDENT}))?/.freeze

    ALTER_RE = /\A\s*ALTER\s+TABLE\s+#{QUALIFIED}\s+(?<rest>\S.*)\z/mi.freeze
    CREATE_INDEX_RE = /\A\s*CREATE\s+(?<kind>(?:UNIQUE|FULLTEXT|SPATIAL)\s+)?INDEX\s+
                       (?<index>#{IDENT})\s+(?<using>USING\s+\w+\s+)?ON\s+#{QUALIFIED}\s*
                       (?<rest>\(.*)\z/mix.freeze
    DROP_INDEX_RE = /\A\s*DROP\s+INDEX\s+(?<index>#{IDENT})\s+ON\s+#{QUALIFIED}
                     (?<opts>(?:\s+(?:ALGORITHM|LOCK)\s*=?\s*\w+)*)\s*;?\s*\z/mix.freeze

    # A top-level ALGORITHM/LOCK item in a comma-separated clause list.
    SERVER_ONLY_ITEM_RE = /(?:\A|,)\s*(?:ALGORITHM|LOCK)\s*=?\s*\w+\s*(?=,|\z)/i.freeze
    # CREATE INDEX takes them space-separated after the column list.
    TRAILING_OPTION_RE = /\s+(?:ALGORITHM|LOCK)\s*=?\s*\w+\s*\z/i.freeze
    # ALTER TABLE t RENAME [TO|AS] n renames the table: nothing to copy.
    TABLE_RENAME_RE = /(?:\A|,)\s*RENAME\s+(?!(?:COLUMN|INDEX|KEY)\b)/i.freeze

    # Returns a Statement, or nil when osc should not run +sql+.
    def self.parse(sql)
      text = sql.to_s.strip.sub(/;\s*\z/, "")
      parse_alter(text) || parse_create_index(text) || parse_drop_index(text)
    end

    def self.parse_alter(text)
      m = ALTER_RE.match(text) or return nil
      rest = m[:rest].gsub(SERVER_ONLY_ITEM_RE, "").sub(/\A\s*,/, "").strip
      return nil if rest.empty? || TABLE_RENAME_RE.match?(rest)

      build(m, rest)
    end

    def self.parse_create_index(text)
      m = CREATE_INDEX_RE.match(text) or return nil
      rest = m[:rest]
      rest = rest.sub(TRAILING_OPTION_RE, "") while TRAILING_OPTION_RE.match?(rest)
      build(m, "ADD #{m[:kind]}INDEX #{m[:index]} #{m[:using]}#{rest.strip}")
    end

    def self.parse_drop_index(text)
      m = DROP_INDEX_RE.match(text) or return nil
      build(m, "DROP INDEX #{m[:index]}")
    end

    def self.build(match, alter)
      database, table = match[:second] ? [match[:first], match[:second]] : [nil, match[:first]]
      new(database: database && unquote(database), table: unquote(table), alter: alter)
    end

    # `a``b` -> a`b ; bare names are returned as they are.
    def self.unquote(ident)
      return ident unless ident.start_with?("`")

      ident[1..-2].gsub("``", "`")
    end

    private_class_method :parse_alter, :parse_create_index, :parse_drop_index, :build
  end
end
