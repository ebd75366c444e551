import AscentTensor

enum AscentVersionString {
    static var value: String { AscentVersion.string }
}

/// CSS and the animation script embedded in every report.
enum ReportStyle {
    static let css = """
    body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1120px;color:#111827;padding:0 16px}
    h1{font-size:24px;margin-bottom:4px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
    .summary{color:#374151}.row{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
    .chart{background:#fff;border:1px solid #e5e7eb;border-radius:6px}.chart-title{font-size:12px;font-weight:600;fill:#111827}
    .tick{font-size:10px;fill:#6b7280}.axis-label{font-size:10px;fill:#374151}.grid{stroke:#f3f4f6}.frame{fill:none;stroke:#d1d5db}
    .muted{color:#6b7280;fill:#6b7280;font-size:12px}pre{background:#f9fafb;border:1px solid #e5e7eb;padding:12px;font-size:12px;overflow:auto}
    canvas{border:1px solid #e5e7eb;border-radius:6px;background:#fff}.controls{font-size:12px;color:#374151;margin-top:6px}
    button{font-size:12px;padding:2px 10px}
    """

    /// Draws FRAMES[i] of KIND on the canvas, advancing at 20 frames per second.
    static let animationScript = """
    (function(){const c=document.getElementById('scene');if(!c||!FRAMES.length)return;const g=c.getContext('2d');
    let i=0,playing=true;const btn=document.getElementById('play'),lab=document.getElementById('step');
    btn.onclick=()=>{playing=!playing;btn.textContent=playing?'pause':'play';};
    function line(x1,y1,x2,y2,w,col){g.strokeStyle=col;g.lineWidth=w;g.lineCap='round';g.beginPath();g.moveTo(x1,y1);g.lineTo(x2,y2);g.stroke();}
    function dot(x,y,r,col){g.fillStyle=col;g.beginPath();g.arc(x,y,r,0,2*Math.PI);g.fill();}
    function draw(f){g.clearRect(0,0,c.width,c.height);const W=c.width,H=c.height;
    if(KIND==='pendulum'){const cx=W/2,cy=H/2,L=100*(f.length||1);const x=cx+L*Math.sin(f.theta),y=cy-L*Math.cos(f.theta);
    line(cx,cy,x,y,10,'#dc2626');dot(cx,cy,6,'#111827');const t=(f.torque||0)/(f.max_torque||2);
    g.strokeStyle='#2563eb';g.lineWidth=4;g.beginPath();g.arc(cx,cy,30,-Math.PI/2,-Math.PI/2+t*Math.PI*0.9,t<0);g.stroke();
    g.fillStyle='#374151';g.font='12px sans-serif';g.fillText('torque '+(f.torque||0).toFixed(2),10,H-12);}
    else if(KIND==='cartpole'){const s=W/(2*(f.x_threshold||2.4)*1.2),base=H*0.7,cx=W/2+f.x*s;line(0,base+15,W,base+15,2,'#9ca3af');
    g.fillStyle='#374151';g.fillRect(cx-25,base-10,50,25);const L=2*(f.pole_length||0.5)*s;line(cx,base-10,cx+L*Math.sin(f.theta),base-10-L*Math.cos(f.theta),8,'#d97706');}
    else if(KIND==='mountaincar'){const sx=x=>(x+1.2)/1.8*W,sy=x=>H-20-(Math.sin(3*x)*0.45+0.55)*(H-60);g.strokeStyle='#9ca3af';g.lineWidth=2;g.beginPath();
    for(let x=-1.2;x<=0.6;x+=0.01){const px=sx(x),py=sy(x);x<=-1.19?g.moveTo(px,py):g.lineTo(px,py);}g.stroke();
    line(sx(f.goal_position||0.45),sy(f.goal_position||0.45),sx(f.goal_position||0.45),sy(f.goal_position||0.45)-30,2,'#16a34a');dot(sx(f.position),sy(f.position)-8,8,'#dc2626');}
    else if(KIND==='acrobot'){const cx=W/2,cy=H/2,s=60,x1=cx+s*(f.link_length_1||1)*Math.sin(f.theta1),y1=cy+s*(f.link_length_1||1)*Math.cos(f.theta1);
    const a=f.theta1+f.theta2,x2=x1+s*(f.link_length_2||1)*Math.sin(a),y2=y1+s*(f.link_length_2||1)*Math.cos(a);line(0,cy-s,W,cy-s,1,'#9ca3af');
    line(cx,cy,x1,y1,8,'#2563eb');line(x1,y1,x2,y2,8,'#2563eb');dot(cx,cy,5,'#111827');dot(x1,y1,5,'#111827');}
    lab.textContent=i+1;}
    draw(FRAMES[0]);setInterval(()=>{if(!playing)return;i=(i+1)%FRAMES.length;draw(FRAMES[i]);},50);})();
    """
}
