package fr.habilis.ca.registry;

import static fr.habilis.ca.store.Sql.utc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Notices to send (approval, rejection, revocation of a habilitation), written in the same
 * transaction as the change they announce so none is lost or sent for a change rolled back.
 */
public final class Outbox {
  public void enqueue(Connection c, String kind, String recipient, String subject, String body, String reference,
      Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (kind, recipient, subject, body, reference,"
        + " created_at) VALUES (?,?,?,?,?,?)")) {
      ps.setString(1, kind);
      ps.setString(2, recipient);
      ps.setString(3, subject.length() > 200 ? subject.substring(0, 200) : subject);
      ps.setString(4, body.length() > 4000 ? body.substring(0, 4000) : body);
      ps.setString(5, reference);
      ps.setObject(6, utc(now));
      ps.executeUpdate();
    }
  }
}
