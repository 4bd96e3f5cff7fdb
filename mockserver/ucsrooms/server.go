package ucsrooms

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	gen "github.com/standin/standin/gen/ucsrooms"
	"github.com/standin/standin/mockserver"
)

// Server implements the generated strict server interface: each method
// runs one rule in one store transaction as the token's caller and maps
// the result to the wire. A method that returns an error has it written in
// the envelope.
type Server struct {
	state     *mockserver.State[State]
	now       func() time.Time
	signer    signer
	storeMax  int64
	startedAt time.Time
}

var _ gen.StrictServerInterface = (*Server)(nil)

// clock returns the fake's time, in UTC.
func (s *Server) clock() time.Time { return s.now().UTC() }

// --- rooms ---

// CreateRoom implements POST /room.
func (s *Server) CreateRoom(ctx context.Context, req gen.CreateRoomRequestObject) (gen.CreateRoomResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	in := newRoom{Name: req.Body.Name, Start: req.Body.StartTime, End: req.Body.EndTime}
	if req.Body.ParticipantIds != nil {
		in.Invitations = uniq(*req.Body.ParticipantIds)
	}
	var out gen.Room
	err := s.state.Update(ctx, func(st *State) error {
		r, err := st.createRoom(c, in, now)
		if err != nil {
			return err
		}
		out = st.roomView(r, c.ID, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return gen.CreateRoom200JSONResponse{RoomAnswerJSONResponse: gen.RoomAnswerJSONResponse{Data: out, SentAt: now}}, nil
}

// UpdateOrEndRoom implements POST /admin/room/{room_id}: the body's fields
// say whether it updates or ends the room (spec, decision 3).
func (s *Server) UpdateOrEndRoom(ctx context.Context, req gen.UpdateOrEndRoomRequestObject) (gen.UpdateOrEndRoomResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	var b gen.UpdateOrEndRoomRequest
	if req.Body != nil {
		b = *req.Body
	}
	updates := b.Name != nil || b.StartTime != nil || b.EndTime != nil
	ends := b.TimeLeftInSecond != nil || b.Reason != nil
	if updates && ends {
		return nil, ErrAmbiguous
	}
	var out gen.Room
	var message *string
	err := s.state.Update(ctx, func(st *State) error {
		var r Room
		var err error
		if updates {
			r, err = st.updateRoom(req.RoomId, c, roomPatch{Name: b.Name, Start: b.StartTime, End: b.EndTime}, now)
		} else {
			left := int64(0)
			if b.TimeLeftInSecond != nil {
				left = *b.TimeLeftInSecond
			}
			reason := ""
			if b.Reason != nil {
				reason = *b.Reason
			}
			r, err = st.endRoom(req.RoomId, c, left, reason, now)
			msg := fmt.Sprintf("room %s ends in %d seconds, at %s", req.RoomId, left, r.EndTime.Format(time.RFC3339))
			message = &msg
		}
		if err != nil {
			return err
		}
		out = st.roomView(r, c.ID, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return gen.UpdateOrEndRoom200JSONResponse{RoomAnswerJSONResponse: gen.RoomAnswerJSONResponse{Data: out, Message: message, SentAt: now}}, nil
}

// GetRoom implements GET /participant/room/{room_id}.
func (s *Server) GetRoom(ctx context.Context, req gen.GetRoomRequestObject) (gen.GetRoomResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	var out gen.Room
	err := s.state.View(ctx, func(st *State) error {
		r, _, err := st.seat(req.RoomId, c)
		if err != nil {
			return err
		}
		out = st.roomView(r, c.ID, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return gen.GetRoom200JSONResponse{RoomAnswerJSONResponse: gen.RoomAnswerJSONResponse{Data: out, SentAt: now}}, nil
}

// ListMyRooms implements GET /participant/room: a page of the caller's
// places, by the room's creation (newest first by default) or start.
func (s *Server) ListMyRooms(ctx context.Context, req gen.ListMyRoomsRequestObject) (gen.ListMyRoomsResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	order, desc := roomsByCreated, true
	if req.Params.Sort != nil {
		field, dir, _ := strings.Cut(*req.Params.Sort, ",")
		if field == "start_time" {
			order = roomsByStart
		}
		desc = dir == "" || strings.EqualFold(dir, "DESC")
	}
	number, limit, offset := pageWindow(req.Params.Page, req.Params.Size)
	out := gen.RoomPage{Data: []gen.Room{}, SentAt: now}
	err := s.state.View(ctx, func(st *State) error {
		seats, total := st.Participants.Page(order, c.ID, offset, limit, desc)
		for _, p := range seats {
			r, _ := st.Rooms.Get(p.RoomID)
			out.Data = append(out.Data, st.roomView(r, c.ID, now))
		}
		out.Page = gen.PageInfo{Number: number, Size: limit, TotalRecords: total}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return gen.ListMyRooms200JSONResponse{RoomPageJSONResponse: gen.RoomPageJSONResponse(out)}, nil
}

// roomView is room r as user sees it at now.
func (st *State) roomView(r Room, user string, now time.Time) gen.Room {
	p, _ := st.Participants.Get(participantID(r.ID, user))
	return gen.Room{
		Id: r.ID, Name: r.Name, Status: gen.RoomStatus(r.Status(now)), StartTime: r.StartTime, EndTime: r.EndTime,
		EarlyEndReason: mockserver.NonZero(r.EarlyEndReason), CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
		UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt, ParticipantCount: st.Participants.Count(participantsOf, r.ID),
		IsAdmin: p.IsAdmin, ArchiveRoom: p.Archived,
	}
}

// --- participants ---

// AddParticipants implements POST /admin/room/{room_id}/participant.
func (s *Server) AddParticipants(ctx context.Context, req gen.AddParticipantsRequestObject) (gen.AddParticipantsResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	var out gen.ParticipantPage
	err := s.state.Update(ctx, func(st *State) error {
		if err := st.addParticipants(req.RoomId, c, uniq(req.Body.ParticipantIds), now); err != nil {
			return err
		}
		out = st.participantPage(req.RoomId, nil, nil, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return gen.AddParticipants200JSONResponse{ParticipantPageJSONResponse: gen.ParticipantPageJSONResponse(out)}, nil
}

// RemoveParticipants implements DELETE /admin/room/{room_id}/participant,
// with ids from the body, the query or both (spec, decision 4).
func (s *Server) RemoveParticipants(ctx context.Context, req gen.RemoveParticipantsRequestObject) (gen.RemoveParticipantsResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	var ids []string
	if req.Body != nil {
		ids = append(ids, req.Body.ParticipantIds...)
	}
	if req.Params.ParticipantId != nil {
		ids = append(ids, *req.Params.ParticipantId...)
	}
	if len(ids) == 0 {
		return nil, ErrNoParticipants
	}
	var out gen.ParticipantPage
	err := s.state.Update(ctx, func(st *State) error {
		if err := st.removeParticipants(req.RoomId, c, ids, now); err != nil {
			return err
		}
		out = st.participantPage(req.RoomId, nil, nil, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return gen.RemoveParticipants200JSONResponse{ParticipantPageJSONResponse: gen.ParticipantPageJSONResponse(out)}, nil
}

// GrantAdmin implements POST .../participant/{participant_id}/admin.
func (s *Server) GrantAdmin(ctx context.Context, req gen.GrantAdminRequestObject) (gen.GrantAdminResponseObject, error) {
	p, err := s.setAdmin(ctx, req.RoomId, req.ParticipantId, true)
	if err != nil {
		return nil, err
	}
	return gen.GrantAdmin200JSONResponse{ParticipantAnswerJSONResponse: gen.ParticipantAnswerJSONResponse(p)}, nil
}

// RevokeAdmin implements DELETE .../participant/{participant_id}/admin.
func (s *Server) RevokeAdmin(ctx context.Context, req gen.RevokeAdminRequestObject) (gen.RevokeAdminResponseObject, error) {
	p, err := s.setAdmin(ctx, req.RoomId, req.ParticipantId, false)
	if err != nil {
		return nil, err
	}
	return gen.RevokeAdmin200JSONResponse{ParticipantAnswerJSONResponse: gen.ParticipantAnswerJSONResponse(p)}, nil
}

func (s *Server) setAdmin(ctx context.Context, room, target string, admin bool) (gen.ParticipantAnswer, error) {
	c, now := callerFrom(ctx), s.clock()
	var p Participant
	err := s.state.Update(ctx, func(st *State) error {
		var err error
		p, err = st.setAdmin(room, c, target, admin, now)
		return err
	})
	if err != nil {
		return gen.ParticipantAnswer{}, err
	}
	msg := fmt.Sprintf("%s is an admin of room %s", target, room)
	if !admin {
		msg = fmt.Sprintf("%s is not an admin of room %s", target, room)
	}
	return gen.ParticipantAnswer{Data: participantView(p), Message: &msg, SentAt: now}, nil
}

// ListParticipants implements GET /participant/room/{room_id}/participant.
func (s *Server) ListParticipants(ctx context.Context, req gen.ListParticipantsRequestObject) (gen.ListParticipantsResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	var out gen.ParticipantPage
	err := s.state.View(ctx, func(st *State) error {
		if _, _, err := st.seat(req.RoomId, c); err != nil {
			return err
		}
		out = st.participantPage(req.RoomId, req.Params.Page, req.Params.Size, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return gen.ListParticipants200JSONResponse{ParticipantPageJSONResponse: gen.ParticipantPageJSONResponse(out)}, nil
}

// participantPage is a page of a room's participants in the order they
// were added.
func (st *State) participantPage(room string, page, size *int, now time.Time) gen.ParticipantPage {
	number, limit, offset := pageWindow(page, size)
	seats, total := st.Participants.Page(participantsOf, room, offset, limit, false)
	out := gen.ParticipantPage{Data: make([]gen.Participant, len(seats)), SentAt: now,
		Page: gen.PageInfo{Number: number, Size: limit, TotalRecords: total}}
	for i, p := range seats {
		out.Data[i] = participantView(p)
	}
	return out
}

func participantView(p Participant) gen.Participant {
	return gen.Participant{ParticipantId: p.UserID, Username: mockserver.NonZero(p.Username), IsAdmin: p.IsAdmin,
		ArchiveRoom: p.Archived, AddedAt: p.AddedAt, AddedBy: mockserver.NonZero(p.AddedBy)}
}

// UpdateMyProfile implements PATCH /participant/room/{room_id}/userprofile.
func (s *Server) UpdateMyProfile(ctx context.Context, req gen.UpdateMyProfileRequestObject) (gen.UpdateMyProfileResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	var p Participant
	err := s.state.Update(ctx, func(st *State) error {
		var err error
		p, err = st.setProfile(req.RoomId, c, req.Body.Username, req.Body.ArchiveRoom)
		return err
	})
	if err != nil {
		return nil, err
	}
	return gen.UpdateMyProfile200JSONResponse{ParticipantAnswerJSONResponse: gen.ParticipantAnswerJSONResponse{Data: participantView(p), SentAt: now}}, nil
}

// --- chat ---

// GetChatHistory implements GET /participant/room/{room_id}/chat.
func (s *Server) GetChatHistory(ctx context.Context, req gen.GetChatHistoryRequestObject) (gen.GetChatHistoryResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	number, limit, offset := pageWindow(req.Params.Page, req.Params.Size)
	var out gen.MessagePage
	err := s.state.View(ctx, func(st *State) error {
		if _, _, err := st.seat(req.RoomId, c); err != nil {
			return err
		}
		msgs, total := st.Messages.Page(historyOf, req.RoomId, offset, limit, false)
		out = gen.MessagePage{Data: make([]gen.Message, len(msgs)), SentAt: now,
			Page: gen.PageInfo{Number: number, Size: limit, TotalRecords: total}}
		for i, m := range msgs {
			out.Data[i] = messageView(m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return gen.GetChatHistory200JSONResponse{MessagePageJSONResponse: gen.MessagePageJSONResponse(out)}, nil
}

// SendChatMessage implements POST /participant/room/{room_id}/chat, the
// standin extension that stands in for the client SDK's send.
func (s *Server) SendChatMessage(ctx context.Context, req gen.SendChatMessageRequestObject) (gen.SendChatMessageResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	var att *Attachment
	if a := req.Body.Attachment; a != nil {
		att = &Attachment{FileID: a.FileId, Name: deref(a.Name), Size: deref(a.Size), ContentType: deref(a.ContentType)}
	}
	var m Message
	err := s.state.Update(ctx, func(st *State) error {
		var err error
		m, err = st.sendMessage(req.RoomId, c, req.Body.Text, att, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return gen.SendChatMessage200JSONResponse{MessageAnswerJSONResponse: gen.MessageAnswerJSONResponse{Data: messageView(m), SentAt: now}}, nil
}

func messageView(m Message) gen.Message {
	out := gen.Message{Id: m.ID, Uid: m.UID, Name: m.Name, Text: m.Text, Timestamp: m.Timestamp}
	if a := m.Attachment; a != nil {
		out.Attachment = &gen.Attachment{FileId: a.FileID, Name: mockserver.NonZero(a.Name),
			Size: mockserver.NonZero(a.Size), ContentType: mockserver.NonZero(a.ContentType)}
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// --- files ---

// GetUploadUrl implements GET /participant/room/{room_id}/upload: a new
// file id and a URL that takes one PUT of it. Nothing is stored until the
// PUT: the signature is the record of the grant.
func (s *Server) GetUploadUrl(ctx context.Context, req gen.GetUploadUrlRequestObject) (gen.GetUploadUrlResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	err := s.state.View(ctx, func(st *State) error {
		r, _, err := st.seat(req.RoomId, c)
		if err != nil {
			return err
		}
		return changeable(r, now)
	})
	if err != nil {
		return nil, err
	}
	g := s.signer.issue(http.MethodPut, mockserver.Namespace(ctx), req.RoomId, uuid.NewString(), c.ID, now)
	return gen.GetUploadUrl200JSONResponse{SignedUrlAnswerJSONResponse: s.signed(ctx, g, now)}, nil
}

// GetDownloadUrl implements GET /participant/room/{room_id}/download.
func (s *Server) GetDownloadUrl(ctx context.Context, req gen.GetDownloadUrlRequestObject) (gen.GetDownloadUrlResponseObject, error) {
	c, now := callerFrom(ctx), s.clock()
	err := s.state.View(ctx, func(st *State) error {
		if _, _, err := st.seat(req.RoomId, c); err != nil {
			return err
		}
		_, err := st.file(req.RoomId, req.Params.FileId, c.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	g := s.signer.issue(http.MethodGet, mockserver.Namespace(ctx), req.RoomId, req.Params.FileId, c.ID, now)
	return gen.GetDownloadUrl200JSONResponse{SignedUrlAnswerJSONResponse: s.signed(ctx, g, now)}, nil
}

// signed is the answer that hands out grant g.
func (s *Server) signed(ctx context.Context, g grant, now time.Time) gen.SignedUrlAnswerJSONResponse {
	return gen.SignedUrlAnswerJSONResponse{Data: gen.SignedUrl{Url: s.signer.url(mockserver.BaseURLOf(ctx), g), FileId: g.File,
		ExpiresAt: time.Unix(g.Expires, 0).UTC()}, SentAt: now}
}

// signedContext checks a signed URL's grant and returns the context of the
// namespace it names.
func (s *Server) signedContext(ctx context.Context, g grant, signature string, now time.Time) (context.Context, error) {
	if !mockserver.ValidNamespace(g.Namespace) {
		return nil, &mockserver.Error{Status: http.StatusBadRequest, Kind: mockserver.KindInvalid, Field: "query.namespace", Rule: "pattern",
			Message: "must be 1 to 64 letters, digits, dots, dashes or underscores"}
	}
	if err := s.signer.check(g, signature, now); err != nil {
		return nil, err
	}
	return mockserver.WithNamespace(ctx, g.Namespace), nil
}

func namespaceParam(p *string) string {
	if p == nil {
		return mockserver.DefaultNamespace
	}
	return *p
}

// UploadFile implements PUT /files/{file_id}, the target of upload URLs.
func (s *Server) UploadFile(ctx context.Context, req gen.UploadFileRequestObject) (gen.UploadFileResponseObject, error) {
	now := s.clock()
	g := grant{Method: http.MethodPut, Namespace: namespaceParam(req.Params.Namespace), Room: req.Params.RoomId,
		File: req.FileId, User: req.Params.UserId, Expires: req.Params.Expires}
	ctx, err := s.signedContext(ctx, g, req.Params.Signature, now)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(req.Body) // the server read and bounded it already
	if err != nil {
		return nil, &mockserver.Error{Status: http.StatusBadRequest, Kind: mockserver.KindInvalid, Field: "body", Message: "the file could not be read", Err: err}
	}
	ct := req.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	f := File{ID: g.File, RoomID: g.Room, UploadedBy: g.User, UploadedAt: now, ContentType: ct, Data: data}
	err = s.state.Update(ctx, func(st *State) error { return st.storeFile(f, s.storeMax, now) })
	if err != nil {
		return nil, err
	}
	return gen.UploadFile200JSONResponse{Data: gen.StoredFile{FileId: f.ID, Size: int64(len(data)), ContentType: ct}, SentAt: now}, nil
}

// DownloadFile implements GET /files/{file_id}, the target of download
// URLs.
func (s *Server) DownloadFile(ctx context.Context, req gen.DownloadFileRequestObject) (gen.DownloadFileResponseObject, error) {
	now := s.clock()
	g := grant{Method: http.MethodGet, Namespace: namespaceParam(req.Params.Namespace), Room: req.Params.RoomId,
		File: req.FileId, User: req.Params.UserId, Expires: req.Params.Expires}
	ctx, err := s.signedContext(ctx, g, req.Params.Signature, now)
	if err != nil {
		return nil, err
	}
	var f File
	err = s.state.View(ctx, func(st *State) error {
		var err error
		f, err = st.file(g.Room, g.File, g.User)
		f.Data = slices.Clone(f.Data) // the answer outlives the transaction
		return err
	})
	if err != nil {
		return nil, err
	}
	return gen.DownloadFile200AsteriskResponse{Body: bytes.NewReader(f.Data), ContentType: f.ContentType, ContentLength: int64(len(f.Data))}, nil
}

// --- health ---

// Liveness implements GET /liveness.
func (s *Server) Liveness(context.Context, gen.LivenessRequestObject) (gen.LivenessResponseObject, error) {
	return gen.Liveness200TextResponse("Live since " + s.startedAt.Format(time.RFC3339)), nil
}

// Readiness implements GET /readiness.
func (s *Server) Readiness(context.Context, gen.ReadinessRequestObject) (gen.ReadinessResponseObject, error) {
	return gen.Readiness200TextResponse("Ready since " + s.startedAt.Format(time.RFC3339)), nil
}
