# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import zlib

from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import Stream, request


class HotlineAudioController(http.Controller):
    """Stream call recordings and voicemail audio from the PBX's disk.

    Odoo's ``Stream`` (werkzeug ``send_file`` with ``conditional=True``) reads
    the file in chunks and answers ``Range`` requests: 206 with the asked
    bytes, 416 when the range is outside the file; never the whole file in
    memory.  Access rights of the record decide who may listen.
    """

    def _audio_response(self, model, record_id, download):
        record = request.env[model].browse(record_id)
        try:
            record.check_access("read")
            record = record.exists()
        except MissingError as error:
            raise NotFound() from error
        except AccessError as error:
            raise Forbidden() from error
        if not record:
            raise NotFound()
        path = record._hotline_full_path()
        if path is None:
            # the stored path leaves the recording folder
            raise Forbidden()
        if not os.path.isfile(path):
            raise NotFound()
        stat = os.stat(path)
        stream = Stream(
            type="path",
            path=path,
            mimetype=record.mimetype,
            download_name=os.path.basename(path),
            etag=f"{int(stat.st_mtime)}-{stat.st_size}-{zlib.adler32(path.encode())}",
            last_modified=stat.st_mtime,
            size=stat.st_size,
        )
        response = stream.get_response(as_attachment=bool(download))
        # audio players seek with Range requests
        response.headers["Accept-Ranges"] = "bytes"
        return response

    @http.route(
        "/hotline/recording/<int:recording_id>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def hotline_recording(self, recording_id, download=None, **kwargs):
        return self._audio_response("hotline.recording", recording_id, download)

    @http.route(
        "/hotline/voicemail/<int:voicemail_id>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def hotline_voicemail(self, voicemail_id, download=None, **kwargs):
        return self._audio_response("hotline.voicemail", voicemail_id, download)
