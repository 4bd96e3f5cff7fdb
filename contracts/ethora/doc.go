// Package ethora holds the conformance scenarios of the Ethora B2B API:
// tenant setup, the default-app lifecycle, tenant isolation, app tokens and
// authentication.
//
// They run against any target: the in-process mock under go test, or a
// live backend through "standin conform --api ethora". They need an app id
// and its secret ("appId", "appSecret") and mint the app's server tokens
// with the SDK's recipe. They create child apps, users and chats with
// run-unique names and delete them at the end.
package ethora
