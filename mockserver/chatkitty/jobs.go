package chatkitty

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"time"

	gen "github.com/standin/standin/gen/chatkitty"
)

var jobSorts = sortable[Job]{"id": jobsOf, "createdTime": jobsOf}

// importFile reads the JSON array in the file part of an import form.
func importFile(mr *multipart.Reader) ([]json.RawMessage, error) {
	if mr == nil {
		return nil, ErrInvalid.With("file: the import needs a multipart/form-data body with a file part")
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, ErrInvalid.With("file: the form has no file part")
		}
		if err != nil {
			return nil, ErrInvalid.Withf("the multipart form could not be read: %v", err)
		}
		if p.FormName() != "file" {
			continue
		}
		raw, err := io.ReadAll(p)
		if err != nil {
			return nil, ErrInvalid.Withf("file: could not be read: %v", err)
		}
		var rows []json.RawMessage
		if err := json.Unmarshal(bytes.TrimSpace(raw), &rows); err != nil || rows == nil {
			return nil, ErrInvalid.Withf("file must hold a JSON array of rows: %v", cmpErr(err, "null is not an array"))
		}
		return rows, nil
	}
}

func cmpErr(err error, otherwise string) string {
	if err != nil {
		return err.Error()
	}
	return otherwise
}

// decodeRow reads one row strictly enough to name what is wrong with it.
func decodeRow(raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("the row is not a valid object: %v", err)
	}
	return nil
}

// runJob runs rows as an import job of typ and answers it.
func (s *Server) runJob(ctx context.Context, typ string, rows func(st *State, app int64) ([]Row, error)) (gen.ApplicationJobResource, error) {
	var out gen.ApplicationJobResource
	err := s.update(ctx, func(st *State, app int64, now time.Time) error {
		rs, err := rows(st, app)
		if err != nil {
			return err
		}
		j, err := st.runImport(app, typ, rs, s.jobs, now)
		out = jobView(ctx, j, now)
		return err
	})
	return out, err
}

type userRow struct {
	Name           string         `json:"name"`
	DisplayName    string         `json:"displayName"`
	Guest          bool           `json:"guest"`
	Properties     map[string]any `json:"properties"`
	IdempotencyKey string         `json:"idempotencyKey"`
	DisplayPicture *struct {
		URL         string `json:"url"`
		Name        string `json:"name"`
		ContentType string `json:"contentType"`
		Size        int64  `json:"size"`
	} `json:"displayPicture"`
}

// ImportUsers implements POST /v1/imports/users.
func (s *Server) ImportUsers(ctx context.Context, req gen.ImportUsersRequestObject) (gen.ImportUsersResponseObject, error) {
	raws, err := importFile(req.Body)
	if err != nil {
		return nil, err
	}
	out, err := s.runJob(ctx, JobUserImport, func(_ *State, app int64) ([]Row, error) {
		rows := make([]Row, len(raws))
		for i, raw := range raws {
			var r userRow
			if err := decodeRow(raw, &r); err != nil {
				rows[i] = errRow("", err)
				continue
			}
			in := NewUser{Name: r.Name, DisplayName: r.DisplayName, Guest: r.Guest, Properties: r.Properties, Key: r.IdempotencyKey}
			if r.DisplayPicture != nil {
				in.Picture = &File{URL: r.DisplayPicture.URL, Name: r.DisplayPicture.Name, ContentType: r.DisplayPicture.ContentType, Size: r.DisplayPicture.Size}
			}
			rows[i] = importUser(app, in)
		}
		return rows, nil
	})
	return gen.ImportUsers200JSONResponse(out), err
}

type channelRow struct {
	Type           string         `json:"type"`
	Name           string         `json:"name"`
	DisplayName    string         `json:"displayName"`
	Creator        string         `json:"creator"`
	Members        []string       `json:"members"`
	Properties     map[string]any `json:"properties"`
	IdempotencyKey string         `json:"idempotencyKey"`
}

// ImportChannels implements POST /v1/imports/channels.
func (s *Server) ImportChannels(ctx context.Context, req gen.ImportChannelsRequestObject) (gen.ImportChannelsResponseObject, error) {
	raws, err := importFile(req.Body)
	if err != nil {
		return nil, err
	}
	out, err := s.runJob(ctx, JobChannelImport, func(_ *State, app int64) ([]Row, error) {
		rows := make([]Row, len(raws))
		for i, raw := range raws {
			var r channelRow
			if err := decodeRow(raw, &r); err != nil {
				rows[i] = errRow("", err)
				continue
			}
			in := NewChannel{Type: r.Type, Name: r.Name, DisplayName: r.DisplayName, Properties: r.Properties, Key: r.IdempotencyKey}
			if r.Creator != "" {
				in.Creator = &Ref{Username: r.Creator}
			}
			for _, m := range r.Members {
				in.Members = append(in.Members, Ref{Username: m})
			}
			rows[i] = importChannel(app, in)
		}
		return rows, nil
	})
	return gen.ImportChannels200JSONResponse(out), err
}

// ImportChannelMembers implements POST /v1/imports/channels/{id}/members.
func (s *Server) ImportChannelMembers(ctx context.Context, req gen.ImportChannelMembersRequestObject) (gen.ImportChannelMembersResponseObject, error) {
	raws, err := importFile(req.Body)
	if err != nil {
		return nil, err
	}
	out, err := s.runJob(ctx, JobChannelMembersImport, func(st *State, app int64) ([]Row, error) {
		if _, err := st.channel(app, req.ChannelId); err != nil {
			return nil, err
		}
		rows := make([]Row, len(raws))
		for i, raw := range raws {
			var r struct {
				Username       string `json:"username"`
				IdempotencyKey string `json:"idempotencyKey"`
			}
			if err := decodeRow(raw, &r); err != nil {
				rows[i] = errRow("", err)
				continue
			}
			rows[i] = importMember(app, req.ChannelId, r.IdempotencyKey, r.Username)
		}
		return rows, nil
	})
	return gen.ImportChannelMembers200JSONResponse(out), err
}

type messageRow struct {
	Type           string         `json:"type"`
	ChannelID      int64          `json:"channelId"`
	Body           string         `json:"body"`
	User           string         `json:"user"`
	GroupTag       string         `json:"groupTag"`
	Properties     map[string]any `json:"properties"`
	IdempotencyKey string         `json:"idempotencyKey"`
}

// ImportMessages implements POST /v1/imports/messages: TEXT rows are sent
// as their user, SYSTEM_TEXT rows as the application.
func (s *Server) ImportMessages(ctx context.Context, req gen.ImportMessagesRequestObject) (gen.ImportMessagesResponseObject, error) {
	raws, err := importFile(req.Body)
	if err != nil {
		return nil, err
	}
	out, err := s.runJob(ctx, JobMessageImport, func(_ *State, app int64) ([]Row, error) {
		rows := make([]Row, len(raws))
		for i, raw := range raws {
			var r messageRow
			if err := decodeRow(raw, &r); err != nil {
				rows[i] = errRow("", err)
				continue
			}
			in := NewMessage{Body: r.Body, GroupTag: r.GroupTag, Properties: r.Properties, Key: r.IdempotencyKey}
			switch r.Type {
			case MessageText:
				if r.User == "" {
					rows[i] = errRow(r.IdempotencyKey, errors.New("user: a TEXT row needs the sender's username"))
					continue
				}
				in.Type, in.User = MessageText, &Ref{Username: r.User}
			case MessageSystemText:
				in.Type = MessageSystemText
			default:
				rows[i] = errRow(r.IdempotencyKey, fmt.Errorf("type must be TEXT or SYSTEM_TEXT, not %q", r.Type))
				continue
			}
			rows[i] = importMessage(app, r.ChannelID, in)
		}
		return rows, nil
	})
	return gen.ImportMessages200JSONResponse(out), err
}

// ListJobs implements GET /v1/jobs; running keeps the jobs not ended (or
// only the ended ones when false), scanning the application's jobs.
func (s *Server) ListJobs(ctx context.Context, req gen.ListJobsRequestObject) (gen.ListJobsResponseObject, error) {
	p := pageOf(req.Params.Page, req.Params.Size, req.Params.Sort)
	o, desc, err := jobSorts.order(p, "id")
	if err != nil {
		return nil, err
	}
	now := s.clock.Now(ctx)
	var out gen.PagedModelApplicationJobResource
	err = s.view(ctx, func(st *State, app int64) error {
		var jobs []Job
		total := 0
		if req.Params.Running == nil {
			jobs, total = page(&st.Jobs, o, idKey(app), p, desc)
		} else {
			for j := range st.Jobs.Range(o, idKey(app), 0, desc) {
				running := now.Before(j.Ends)
				if running != *req.Params.Running {
					continue
				}
				if total >= p.Page*p.Size && len(jobs) < p.Size {
					jobs = append(jobs, j)
				}
				total++
			}
		}
		views := make([]gen.ApplicationJobResource, len(jobs))
		for i, j := range jobs {
			views[i] = jobView(ctx, j, now)
		}
		links, meta := pageLinks(ctx, p, total)
		out = gen.PagedModelApplicationJobResource{UnderscoreEmbedded: &gen.PagedModelApplicationJobResourceEmbedded{Jobs: &views}, Page: meta, UnderscoreLinks: links}
		return nil
	})
	return gen.ListJobs200JSONResponse(out), err
}

// RetrieveJob implements GET /v1/jobs/{id}.
func (s *Server) RetrieveJob(ctx context.Context, req gen.RetrieveJobRequestObject) (gen.RetrieveJobResponseObject, error) {
	now := s.clock.Now(ctx)
	var out gen.ApplicationJobResource
	err := s.view(ctx, func(st *State, app int64) error {
		j, err := st.job(app, req.JobId)
		out = jobView(ctx, j, now)
		return err
	})
	return gen.RetrieveJob200JSONResponse(out), err
}
