package org.gochat.web;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * Rolls back the transaction of a {@code @Transactional} method that refuses with a
 * {@link ProblemException}, without an FFDC incident. Liberty's transaction manager writes an FFDC
 * incident for every unchecked exception that leaves a {@code @Transactional} method unless the
 * method lists it in {@code dontRollbackOn} ({@code EmbeddableUOWManagerImpl.runUnderCurrentUOW},
 * probe 1130), and a refusal is no incident. So the services' methods say
 * {@code @Transactional(dontRollbackOn = ProblemException.class)}, and this interceptor, which runs
 * inside the transaction, marks it rollback-only as the refusal leaves: nothing the method wrote
 * is committed (the transaction manager then rolls back quietly). Each WAR enables it with a
 * subclass annotated {@code @Interceptor @Transactional @Priority(APPLICATION)}.
 */
public class ProblemRollback {

    @AroundInvoke
    public Object rollBackOnProblem(InvocationContext invocation) throws Exception {
        try {
            return invocation.proceed();
        } catch (ProblemException e) {
            TransactionSynchronizationRegistry transaction = registry();
            if (transaction.getTransactionStatus() == Status.STATUS_ACTIVE) {
                transaction.setRollbackOnly();
            }
            throw e;
        }
    }

    private static TransactionSynchronizationRegistry registry() throws NamingException {
        return InitialContext.doLookup("java:comp/TransactionSynchronizationRegistry");
    }
}
