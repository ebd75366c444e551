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
    /// Draws MuJoCo frames (see `MuJoCoScene`): capsules and cylinders as thick segments,
    /// spheres and ellipsoids as discs, boxes as the convex hull of their corners; side, top or
    /// oblique view, scaled once to the first frame and following the robot's centre.
    static let mujocoScript = """
    (function(){const c=document.getElementById(ID+'scene');if(!c||!FRAMES.length)return;const g=c.getContext('2d');
    let i=0,playing=true;const btn=document.getElementById(ID+'play'),lab=document.getElementById(ID+'step');
    btn.onclick=()=>{playing=!playing;btn.textContent=playing?'pause':'play';};
    const W=c.width,H=c.height,COL=['#2563eb','#dc2626','#16a34a','#d97706','#9333ea','#0891b2','#db2777','#65a30d'];
    const v=(f,k,a,j)=>f['geom.'+k+'.'+a+'.'+j]||0;
    function centre(f){let s=[0,0,0],m=0;for(let k=0;k<f.geoms;k++){if(f['geom.'+k+'.type']===0)continue;for(let j=0;j<3;j++)s[j]+=v(f,k,'pos',j);m++;}return s.map(x=>x/Math.max(m,1));}
    const f0=FRAMES[0],c0=centre(f0);let ext=0.05;for(let k=0;k<f0.geoms;k++){if(f0['geom.'+k+'.type']===0)continue;
    let d=0;for(let j=0;j<3;j++)d+=(v(f0,k,'pos',j)-c0[j])**2;ext=Math.max(ext,Math.sqrt(d)+v(f0,k,'size',0)+v(f0,k,'size',1));}
    const S=Math.min(W,H)*0.38/ext;
    function proj(p,cc,view){if(view===1)return[W/2+(p[0]-cc[0])*S,H/2-(p[1]-cc[1])*S];
    if(view===2)return[W/2+((p[0]-cc[0])-0.5*(p[1]-cc[1]))*S,H*0.62-((p[2]-cc[2])+0.35*(p[1]-cc[1]))*S];
    return[W/2+(p[0]-cc[0])*S,H*0.62-(p[2]-cc[2])*S];}
    function hull(pts){pts.sort((a,b)=>a[0]-b[0]||a[1]-b[1]);const cr=(o,a,b)=>(a[0]-o[0])*(b[1]-o[1])-(a[1]-o[1])*(b[0]-o[0]);
    const lo=[],up=[];for(const p of pts){while(lo.length>1&&cr(lo[lo.length-2],lo[lo.length-1],p)<=0)lo.pop();lo.push(p);}
    for(const p of pts.slice().reverse()){while(up.length>1&&cr(up[up.length-2],up[up.length-1],p)<=0)up.pop();up.push(p);}return lo.slice(0,-1).concat(up.slice(0,-1));}
    function draw(f){g.clearRect(0,0,W,H);const view=f.view||0,cc=centre(f);
    if(view!==1){const a=proj([cc[0]-10,cc[1],0],cc,view),b=proj([cc[0]+10,cc[1],0],cc,view);g.strokeStyle='#9ca3af';g.lineWidth=2;g.beginPath();g.moveTo(a[0],a[1]);g.lineTo(b[0],b[1]);g.stroke();
    g.fillStyle='#6b7280';for(let x=Math.floor(cc[0]-5);x<=cc[0]+5;x+=0.5){const q=proj([x,cc[1],0],cc,view);g.fillRect(q[0]-1,q[1],2,6);}}
    const order=[...Array(f.geoms).keys()].sort((a,b)=>view===2?v(f,b,'pos',1)-v(f,a,'pos',1):0);
    for(const k of order){const t=f['geom.'+k+'.type'];if(t===0||t===undefined)continue;const p=[0,1,2].map(j=>v(f,k,'pos',j));
    const M=[...Array(9).keys()].map(j=>v(f,k,'mat',j)),s=[0,1,2].map(j=>v(f,k,'size',j));g.fillStyle=g.strokeStyle=COL[k%COL.length];g.globalAlpha=0.85;
    if(t===3||t===5){const ax=[M[2],M[5],M[8]],a=proj(p.map((x,j)=>x-s[1]*ax[j]),cc,view),b=proj(p.map((x,j)=>x+s[1]*ax[j]),cc,view);
    g.lineWidth=Math.max(2,2*s[0]*S);g.lineCap=t===3?'round':'butt';g.beginPath();g.moveTo(a[0],a[1]);g.lineTo(b[0],b[1]);g.stroke();}
    else if(t===6){const pts=[];for(const x of[-1,1])for(const y of[-1,1])for(const z of[-1,1]){const l=[x*s[0],y*s[1],z*s[2]];
    pts.push(proj([0,1,2].map(r=>p[r]+M[3*r]*l[0]+M[3*r+1]*l[1]+M[3*r+2]*l[2]),cc,view));}
    const h=hull(pts);g.beginPath();h.forEach((q,j)=>j?g.lineTo(q[0],q[1]):g.moveTo(q[0],q[1]));g.closePath();g.fill();}
    else{const q=proj(p,cc,view),r=t===2?s[0]:(s[0]+s[1]+s[2])/3;g.beginPath();g.arc(q[0],q[1],Math.max(2,r*S),0,2*Math.PI);g.fill();}}
    g.globalAlpha=1;lab.textContent=i*STRIDE+1;}
    draw(FRAMES[0]);setInterval(()=>{if(!playing)return;i=(i+1)%FRAMES.length;draw(FRAMES[i]);},40*STRIDE>120?120:40*STRIDE);})();
    """

    static let animationScript = """
    (function(){const c=document.getElementById(ID+'scene');if(!c||!FRAMES.length)return;const g=c.getContext('2d');
    let i=0,playing=true;const btn=document.getElementById(ID+'play'),lab=document.getElementById(ID+'step');
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
