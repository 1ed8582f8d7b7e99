package org.gochat.auth.control;

import jakarta.annotation.Priority;
import jakarta.interceptor.Interceptor;
import jakarta.transaction.Transactional;

import org.gochat.web.ProblemRollback;

/** The auth service's transactions roll back, without an FFDC incident, when they refuse with a problem. */
@Interceptor
@Transactional
@Priority(Interceptor.Priority.APPLICATION)
public class Rollbacks extends ProblemRollback {
}
