package fr.habilis.ca.store;

import java.sql.Connection;

/** A unit of work run inside one JDBC transaction; see {@link Database#tx}. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws Exception;
}
