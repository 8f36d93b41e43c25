/**
 * Vitals' Spring Boot starter: {@link dev.vitals.spring.VitalsAutoConfiguration} and its
 * {@code vitals.*} properties ({@link dev.vitals.spring.VitalsProperties}).
 */
package dev.vitals.spring;
