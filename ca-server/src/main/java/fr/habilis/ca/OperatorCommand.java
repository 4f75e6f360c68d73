package fr.habilis.ca;

import fr.habilis.ca.audit.AuditLog;
import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.ConfigLoader;
import fr.habilis.ca.config.DataDirectory;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.operators.Operator;
import fr.habilis.ca.operators.Operators;
import fr.habilis.ca.operators.Role;
import fr.habilis.ca.store.Database;
import fr.habilis.ca.store.OperatorRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code habilis-ca-server operator …}: RA operator accounts from the command line, the way the
 * first operator is created. Opens the data directory's database as the server does (with the
 * embedded H2 database the server must be stopped: it holds the file). Passwords are read from
 * the terminal (twice), from standard input, or from {@code --password-file}, never from an
 * argument (visible in {@code ps} and shell history). Every change is audited with the actor
 * {@code cli:<OS user>}. Refusals are one line on stderr and exit code 2.
 */
@Command(name = "operator", mixinStandardHelpOptions = true,
    description = "Manage RA operators (officers, approvers, auditors), their passwords, TOTP and API tokens.",
    subcommands = {OperatorCommand.Add.class, OperatorCommand.ListOperators.class, OperatorCommand.Disable.class,
        OperatorCommand.Enable.class, OperatorCommand.Passwd.class, OperatorCommand.Token.class, OperatorCommand.TotpCmd.class})
final class OperatorCommand implements Callable<Integer> {
  @CommandLine.ParentCommand Main parent;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.EXIT_CONFIG;
  }

  /** What a subcommand does with the operators service; its answer is printed on stdout. */
  @FunctionalInterface
  interface Work {
    String run(Operators operators, String actor) throws Exception;
  }

  /** Opens the database (migrating it, as a start does), runs {@code work}, closes everything. */
  int run(CommandLine cli, Work work) throws Exception {
    HabilisConfig config = ConfigLoader.load(parent.configFile, System.getenv());
    boolean embedded = config.get(Setting.DB_URL) == null;
    if (embedded) DataDirectory.secure(config.dataDir(), config.isProduction());
    Vertx vertx = Vertx.vertx();
    try {
      Database db;
      try {
        db = Database.open(vertx, config.dbUrl(), config.get(Setting.DB_USER), config.get(Setting.DB_PASSWORD), 2);
      } catch (RuntimeException e) {
        if (embedded && heldByAnotherProcess(e)) {
          throw new ConfigException("the database in " + config.dataDir() + " is in use by a running server: stop it"
              + " first (with the embedded H2 database, operator commands run on a stopped server)");
        }
        throw new ConfigException("cannot open database: " + HabilisServer.rootMessage(e), e);
      }
      try {
        // The CA secret seals TOTP secrets (totp enrol / confirm); the other commands do without it,
        // so a keystore not made yet (before the server's first start) is no error here.
        Operators operators = new Operators(vertx, db, new AuditLog(Clock.systemUTC()), Clock.systemUTC(), caSecretIfAny(config));
        String out = work.run(operators, "cli:" + System.getProperty("user.name", "unknown"));
        if (out != null && !out.isEmpty()) {
          PrintWriter w = cli.getOut();
          w.println(out);
          w.flush();
        }
        return 0;
      } finally {
        db.close();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // The H2 file was perhaps just created with the process umask: owner-only, as the server keeps it.
      if (embedded) DataDirectory.tighten(config.dataDir());
    }
  }

  /** H2's "database may be already in use" (90020): another process, the server, has the file open. */
  private static boolean heldByAnotherProcess(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException s && s.getErrorCode() == org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1) return true;
    }
    return false;
  }

  /** Waits for a service call; its refusal becomes the command's one-line error (exit 2). */
  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DomainError d) throw new ConfigException(describe(d));
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  private static String describe(DomainError d) {
    if (d.fields().isEmpty()) return d.detail();
    return String.join("; ", d.fields().stream().map(f -> "--" + f.field() + ": " + f.problem()).toList());
  }

  /** The CA secret of the configured keystore, or null when there is no keystore or password yet. */
  private static fr.habilis.ca.pki.CaSecret caSecretIfAny(HabilisConfig config) {
    try {
      return fr.habilis.ca.pki.CaStore.loadSecret(config, fr.habilis.ca.audit.AuditCheck.keystorePassword(config));
    } catch (IOException | RuntimeException noKeystoreYet) {
      return null;
    }
  }

  static String describe(Operator o) {
    return o.login() + "  " + o.displayName() + " <" + o.email() + ">  roles " + Role.format(o.roles())
        + (o.enabled() ? "" : "  DISABLED") + (o.totpEnrolled() ? "  totp" : "");
  }

  /** The password, from the file's first line, else the terminal (asked twice), else one line of stdin. */
  static char[] password(Path file, String prompt) throws IOException {
    if (file != null) {
      if (!Files.isRegularFile(file)) throw new ConfigException("no password file " + file);
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty()) throw new ConfigException("the password file " + file + " is empty");
      return lines.get(0).toCharArray();
    }
    Console console = System.console();
    if (console != null) {
      char[] a = console.readPassword("%s: ", prompt);
      char[] b = console.readPassword("%s (again): ", prompt);
      if (a == null || b == null || !Arrays.equals(a, b)) throw new ConfigException("the two passwords differ");
      Arrays.fill(b, '\0');
      return a;
    }
    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (line == null) throw new ConfigException("no password on standard input (or use --password-file)");
    return line.toCharArray();
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Create an operator (password from the terminal, stdin or --password-file).")
  static final class Add implements Callable<Integer> {
    @CommandLine.ParentCommand OperatorCommand group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Option(names = "--login", required = true, description = "Sign-in name: lowercase letters, digits, . _ -") String login;
    @Option(names = "--name", required = true, description = "Display name.") String name;
    @Option(names = "--email", required = true) String email;
    @Option(names = "--role", required = true, paramLabel = "ROLE[,ROLE…]", description = "officer, approver, auditor") String roles;
    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from this file's first line.") Path passwordFile;

    @Override
    public Integer call() throws Exception {
      Set<Role> parsed;
      try {
        parsed = Role.parse(roles);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--role: " + e.getMessage());
      }
      char[] pw = password(passwordFile, "Password for " + login);
      try {
        return group.run(spec.commandLine(), (ops, actor) ->
            "created " + describe(await(ops.create(new Operators.NewOperator(login, name, email, parsed), pw, actor))));
      } finally {
        Arrays.fill(pw, '\0');
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List operators.")
  static final class ListOperators implements Callable<Integer> {
    @CommandLine.ParentCommand OperatorCommand group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return group.run(spec.commandLine(), (ops, actor) -> {
        List<Operator> all = await(ops.list());
        return all.isEmpty() ? "no operators" : String.join("\n", all.stream().map(OperatorCommand::describe).toList());
      });
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable an operator: no sign-in, no API token works.")
  static final class Disable implements Callable<Integer> {
    @CommandLine.ParentCommand OperatorCommand group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "LOGIN") String login;

    @Override
    public Integer call() throws Exception {
      return group.run(spec.commandLine(), (ops, actor) -> "disabled " + describe(await(ops.setEnabled(login, false, actor))));
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled operator.")
  static final class Enable implements Callable<Integer> {
    @CommandLine.ParentCommand OperatorCommand group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "LOGIN") String login;

    @Override
    public Integer call() throws Exception {
      return group.run(spec.commandLine(), (ops, actor) -> "enabled " + describe(await(ops.setEnabled(login, true, actor))));
    }
  }

  @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set an operator's password (also ends a lockout).")
  static final class Passwd implements Callable<Integer> {
    @CommandLine.ParentCommand OperatorCommand group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "LOGIN") String login;
    @Option(names = "--password-file", paramLabel = "FILE") Path passwordFile;

    @Override
    public Integer call() throws Exception {
      char[] pw = password(passwordFile, "New password for " + login);
      try {
        return group.run(spec.commandLine(), (ops, actor) -> "password set for " + describe(await(ops.setPassword(login, pw, actor))));
      } finally {
        Arrays.fill(pw, '\0');
      }
    }
  }

  @Command(name = "token", mixinStandardHelpOptions = true, description = "An operator's RA API tokens.",
      subcommands = {Token.Create.class, Token.Revoke.class, Token.ListTokens.class})
  static final class Token implements Callable<Integer> {
    @CommandLine.ParentCommand OperatorCommand group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return Main.EXIT_CONFIG;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create an API token; it is printed once, on stdout, and stored only as its SHA-256.")
    static final class Create implements Callable<Integer> {
      @CommandLine.ParentCommand Token token;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @Parameters(paramLabel = "LOGIN") String login;
      @Option(names = "--name", required = true, description = "What the token is for (e.g. the script using it).") String name;

      @Override
      public Integer call() throws Exception {
        return token.group.run(spec.commandLine(), (ops, actor) -> {
          Operators.IssuedToken t = await(ops.createToken(login, name, actor));
          spec.commandLine().getErr().println("API token \"" + t.name() + "\" of " + login
              + " (shown once; use it as Authorization: Bearer <token>):");
          spec.commandLine().getErr().flush();
          return t.token();
        });
      }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an operator's API token by name.")
    static final class Revoke implements Callable<Integer> {
      @CommandLine.ParentCommand Token token;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @Parameters(paramLabel = "LOGIN") String login;
      @Option(names = "--name", required = true) String name;

      @Override
      public Integer call() throws Exception {
        return token.group.run(spec.commandLine(), (ops, actor) -> {
          await(ops.revokeToken(login, name, actor));
          return "revoked token \"" + name + "\" of " + login;
        });
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an operator's API tokens (never the tokens themselves).")
    static final class ListTokens implements Callable<Integer> {
      @CommandLine.ParentCommand Token token;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @Parameters(paramLabel = "LOGIN") String login;

      @Override
      public Integer call() throws Exception {
        return token.group.run(spec.commandLine(), (ops, actor) -> {
          List<OperatorRepository.Token> all = await(ops.tokens(login));
          if (all.isEmpty()) return login + " has no API token";
          return String.join("\n", all.stream().map(t -> t.name() + "  created " + t.createdAt()
              + "  last used " + (t.lastUsedAt() == null ? "never" : t.lastUsedAt().toString())
              + (t.revokedAt() == null ? "" : "  REVOKED " + t.revokedAt())).toList());
        });
      }
    }
  }

  @Command(name = "totp", mixinStandardHelpOptions = true, description = "An operator's second factor.",
      subcommands = {TotpCmd.Enrol.class, TotpCmd.Confirm.class, TotpCmd.Reset.class})
  static final class TotpCmd implements Callable<Integer> {
    @CommandLine.ParentCommand OperatorCommand group;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return Main.EXIT_CONFIG;
    }

    @Command(name = "enrol", mixinStandardHelpOptions = true,
        description = "Start an operator's TOTP enrolment: prints, once, the otpauth:// URI and the secret for their "
            + "authenticator app; sign-in asks for a code once 'totp confirm' has checked one.")
    static final class Enrol implements Callable<Integer> {
      @CommandLine.ParentCommand TotpCmd totp;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @Parameters(paramLabel = "LOGIN") String login;

      @Override
      public Integer call() throws Exception {
        return totp.group.run(spec.commandLine(), (ops, actor) -> {
          Operators.TotpEnrolment e = await(ops.enrolTotp(login, actor));
          return "TOTP enrolment started for " + login + "; give this to their authenticator app (shown once):\n"
              + "  " + e.uri() + "\n  secret for manual entry: " + e.secret() + "\n"
              + "then: operator totp confirm " + login + " --code <the app's current code>";
        });
      }
    }

    @Command(name = "confirm", mixinStandardHelpOptions = true,
        description = "Finish a TOTP enrolment with the app's current code; from then on sign-in asks for a code.")
    static final class Confirm implements Callable<Integer> {
      @CommandLine.ParentCommand TotpCmd totp;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @Parameters(paramLabel = "LOGIN") String login;
      @Option(names = "--code", required = true, description = "the authenticator app's current 6-digit code") String code;

      @Override
      public Integer call() throws Exception {
        return totp.group.run(spec.commandLine(), (ops, actor) -> "TOTP on for " + describe(await(ops.confirmTotp(login, code, actor))));
      }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
        description = "Remove an operator's TOTP (a lost phone): password only until they enrol again (totp enrol).")
    static final class Reset implements Callable<Integer> {
      @CommandLine.ParentCommand TotpCmd totp;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;
      @Parameters(paramLabel = "LOGIN") String login;

      @Override
      public Integer call() throws Exception {
        return totp.group.run(spec.commandLine(), (ops, actor) -> "TOTP removed for " + describe(await(ops.resetTotp(login, actor))));
      }
    }
  }
}
