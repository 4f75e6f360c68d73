package fr.habilis.client.cli;

/** The CLI's exit codes, documented in {@code --help} and the module's README. */
final class ExitCode {
  /** Done. */
  static final int OK = 0;
  /** A renewal (or its deploy hook) failed; it will be retried at the next run. */
  static final int FAILED = 1;
  /** Bad command line or local input: unknown option or product, unreadable password or key file. */
  static final int USAGE = 2;
  /** The CA refused (an ACME problem: not habilitated, out-of-scope name, bad EAB credential…). */
  static final int REFUSED = 3;
  /** The CA could not be reached, or the operation timed out. */
  static final int UNREACHABLE = 4;
  /** A local file could not be written (output directory, state directory). */
  static final int FILES = 5;
  /** A certificate expires within the alert margin and its renewal failed. */
  static final int ALERT = 6;

  static final String HELP = "%nExit codes:%n"
      + "  0  done%n"
      + "  1  a renewal or its deploy hook failed (retried at the next run)%n"
      + "  2  bad command line or local input (unknown product, unreadable password file...)%n"
      + "  3  the CA refused: its reason is printed (not habilitated, name out of scope, bad EAB key...)%n"
      + "  4  the CA could not be reached, or the operation timed out%n"
      + "  5  a local file could not be written (output or state directory)%n"
      + "  6  ALERT: a certificate expires within the alert margin and could not be renewed%n";

  private ExitCode() {}
}
