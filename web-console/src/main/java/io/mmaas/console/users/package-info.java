/** Users and roles: the platform's users and each tenant's users, created, disabled and enabled through the API. */
package io.mmaas.console.users;
