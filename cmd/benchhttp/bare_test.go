package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBareHandlerAnswersTheCapturedResponses(t *testing.T) {
	answers := []captured{
		{Method: "GET", Target: "/api/v1/channels.info?roomName=general", Status: 200,
			ContentType: "application/json", Response: []byte(`{"channel":{"name":"general"},"success":true}`)},
		{Method: "POST", Target: "/api/v1/channels.invite", Body: `{"roomId":"r","userId":"u"}`, Status: 200,
			ContentType: "application/json", Response: []byte(`{"success":true}`)},
		{Method: "POST", Target: "/api/v1/channels.invite", Body: `{"roomId": 5}`, Status: 400,
			ContentType: "application/json", Response: []byte(`{"success":false}`)},
	}
	srv := httptest.NewServer(bareHandler(answers))
	defer srv.Close()
	for _, a := range answers {
		req, _ := http.NewRequest(a.Method, srv.URL+a.Target, strings.NewReader(a.Body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != a.Status || string(body) != string(a.Response) || resp.Header.Get("Content-Type") != a.ContentType {
			t.Errorf("%s %s %s: %d %q %q, want %d %q %q", a.Method, a.Target, a.Body,
				resp.StatusCode, resp.Header.Get("Content-Type"), body, a.Status, a.ContentType, a.Response)
		}
	}
	for _, miss := range []struct{ method, target, body string }{
		{"GET", "/api/v1/channels.info?roomName=random", ""},
		{"POST", "/api/v1/channels.invite", `{"roomId":"other"}`},
		{"GET", "/api/v1/channels.invite", ""},
	} {
		req, _ := http.NewRequest(miss.method, srv.URL+miss.target, strings.NewReader(miss.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s %s: %d, want 404", miss.method, miss.target, miss.body, resp.StatusCode)
		}
	}
}
