package fr.habilis.ca.console;

import fr.habilis.ca.operators.Operator;
import fr.habilis.ca.operators.Operators;
import fr.habilis.ca.operators.SignInFailure;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * The console's view of the operators' accounts ({@link Operators}): sign-in in two steps (the
 * password, then the one-time code of an enrolled operator) and the operator behind a session.
 * Lockout and the counting of failures belong to the accounts.
 */
final class ConsoleOperators {
  private final Operators operators;
  private final java.time.Clock clock;

  ConsoleOperators(Operators operators, java.time.Clock clock) {
    this.operators = operators;
    this.clock = clock;
  }

  /** A sign-in step's outcome; {@code Refused} never says which of login and password was wrong. */
  sealed interface Outcome permits Accepted, CodeRequired, Refused, Locked {}

  record Accepted(Operator operator) implements Outcome {}

  /** The password is right and the account has a second factor: the code is the next step. */
  record CodeRequired(long operatorId) implements Outcome {}

  record Refused() implements Outcome {}

  record Locked() implements Outcome {}

  Future<Outcome> password(String login, String password) {
    return outcome(operators.authenticate(login, password.toCharArray(), null)).compose(o -> o instanceof CodeRequired
        // TOTP_REQUIRED comes only after the right password: the account is then known to exist.
        ? operators.find(login.strip().toLowerCase(java.util.Locale.ROOT))
            .map(op -> op.<Outcome>map(x -> new CodeRequired(x.id())).orElse(new Refused()))
        : Future.succeededFuture(o));
  }

  Future<Outcome> code(long operatorId, String code) {
    return outcome(operators.authenticateCode(operatorId, code));
  }

  /** The operator if the account still exists, is enabled and is not locked. */
  Future<Optional<Operator>> find(long operatorId) {
    return operators.findById(operatorId).map(o -> o.filter(op -> op.enabled() && !op.lockedAt(clock.instant())));
  }

  private static Future<Outcome> outcome(Future<Operator> attempt) {
    return attempt.<Outcome>map(Accepted::new).recover(err -> {
      if (!(err instanceof SignInFailure f)) return Future.failedFuture(err);
      return Future.succeededFuture(switch (f.reason()) {
        case LOCKED -> new Locked();
        case TOTP_REQUIRED -> new CodeRequired(-1);
        default -> new Refused();
      });
    });
  }
}
