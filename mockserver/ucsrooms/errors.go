package ucsrooms

import (
	"net/http"

	"github.com/standin/standin/mockserver"
)

// The fake's own refusals (openapi/ucsrooms.yaml, decision 5).
var (
	ErrUnauthorized        = mockserver.Refusal(http.StatusUnauthorized, "UNAUTHORIZED", "a valid bearer access token is required")
	ErrRoomNotFound        = mockserver.Refusal(http.StatusNotFound, "ROOM_NOT_FOUND", "no such room among the caller's rooms")
	ErrNotAdmin            = mockserver.Refusal(http.StatusForbidden, "NOT_ADMIN", "only an admin of the room may do this")
	ErrParticipantNotFound = mockserver.Refusal(http.StatusNotFound, "PARTICIPANT_NOT_FOUND", "not a participant of the room")
	ErrFileNotFound        = mockserver.Refusal(http.StatusNotFound, "FILE_NOT_FOUND", "no such file in the room")
	ErrLastAdmin           = mockserver.Refusal(http.StatusConflict, "LAST_ADMIN", "the room must keep at least one admin")
	ErrRoomEnded           = mockserver.Refusal(http.StatusConflict, "ROOM_ENDED", "the room has ended: it can be read but not changed")
	ErrRoomStarted         = mockserver.Refusal(http.StatusConflict, "ROOM_STARTED", "the room has started: its start_time can no longer change")
	ErrFileExists          = mockserver.Refusal(http.StatusConflict, "FILE_EXISTS", "this upload URL was used already: get a new one")
	ErrTimeRange           = mockserver.Refusal(http.StatusBadRequest, "INVALID_TIME_RANGE", "end_time must not be before start_time")
	ErrAmbiguous           = mockserver.Refusal(http.StatusBadRequest, "AMBIGUOUS_REQUEST", "a body either updates the room (name, start_time, end_time) or ends it (time_left_in_second, reason), not both")
	ErrSignature           = mockserver.Refusal(http.StatusForbidden, "SIGNATURE_INVALID", "the URL's signature does not match: it was changed or is of another kind")
	ErrURLExpired          = mockserver.Refusal(http.StatusForbidden, "URL_EXPIRED", "the signed URL has expired: get a new one")
	ErrNoLongerParticipant = mockserver.Refusal(http.StatusForbidden, "NOT_A_PARTICIPANT", "the URL's user is no longer a participant of the room")
	ErrNoParticipants      = mockserver.Refusal(http.StatusBadRequest, "NO_PARTICIPANTS", "name at least one participant, in the body's participant_ids or in participant_id query parameters")
	ErrStorageFull         = mockserver.Refusal(http.StatusRequestEntityTooLarge, "STORAGE_FULL", "the namespace's file store is full")
)
