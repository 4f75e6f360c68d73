package fr.habilis.ca.operators;

import fr.habilis.ca.error.DomainError;
import fr.habilis.ca.error.ErrorKind;
import java.time.Instant;

/**
 * Why a console sign-in was refused. {@code BAD_CREDENTIALS} never says whether the login or the
 * password was wrong; {@code LOCKED} is answered without checking the password (so guessing
 * continues to learn nothing while locked); {@code TOTP_REQUIRED} comes only after a right password
 * for an account enrolled in TOTP and is not counted as a failure; {@code TOTP_WRONG} is counted.
 * A {@link DomainError} of kind UNAUTHORIZED, so that one escaping to a front end is a refusal,
 * never a 500; the console reads {@link #reason()} to choose its message.
 */
public final class SignInFailure extends DomainError {
  public enum Kind { BAD_CREDENTIALS, LOCKED, TOTP_REQUIRED, TOTP_WRONG, DISABLED }

  private final Kind reason;
  private final Instant lockedUntil;

  SignInFailure(Kind reason, Instant lockedUntil) {
    super(ErrorKind.UNAUTHORIZED, message(reason));
    this.reason = reason;
    this.lockedUntil = lockedUntil;
  }

  public Kind reason() {
    return reason;
  }

  /** Set for {@code LOCKED}: when the next attempt will be considered. */
  public Instant lockedUntil() {
    return lockedUntil;
  }

  private static String message(Kind kind) {
    return switch (kind) {
      case BAD_CREDENTIALS -> "wrong login or password";
      case LOCKED -> "too many failed sign-ins: the account is locked for a while";
      case TOTP_REQUIRED -> "a one-time code from the authenticator app is required";
      case TOTP_WRONG -> "wrong or already used one-time code";
      case DISABLED -> "this operator account is disabled";
    };
  }
}
